/**
 * The API server's metadata checks, with its messages: object names (RFC 1123 subdomain for
 * most kinds, RFC 1123 label for Namespaces, RFC 1035 label for Services, path segments for RBAC
 * kinds and custom resources), label keys and values, and the 256 KiB annotation limit that
 * makes client-side `kubectl apply` of large CRDs fail on a real cluster too.
 */
import type { ResourceType } from './registry.ts';
import type { StatusCause } from './status.ts';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const rbacKinds = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

const messages = {
  subdomain: `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  label1123: `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
  label1035: `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
  labelValue: `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  qualifiedName: `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
};

function nameCauses(t: ResourceType, name: string): StatusCause[] {
  const bad = (message: string): StatusCause[] => [{ field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${message}` }];
  if (t.crd || (t.group === 'rbac.authorization.k8s.io' && rbacKinds.has(t.kind))) {
    return name === '.' || name === '..' || /[/%]/.test(name) ? bad(`may not contain '/' or '%'`) : [];
  }
  if (t.group === '' && t.kind === 'Namespace') return name.length > 63 || !label1123.test(name) ? bad(messages.label1123) : [];
  if (t.group === '' && t.kind === 'Service') return name.length > 63 || !label1035.test(name) ? bad(messages.label1035) : [];
  if (name.length > 253) return bad('must be no more than 253 characters');
  return subdomain.test(name) ? [] : bad(messages.subdomain);
}

function labelCauses(labels: Record<string, unknown>): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const namePart = slash >= 0 ? key.slice(slash + 1) : key;
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    if (!qualifiedName.test(namePart) || namePart.length > 63 || (prefix && !subdomain.test(prefix))) {
      out.push({ field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(key)}: ${messages.qualifiedName}` });
    }
    const v = String(value);
    if (v.length > 63) out.push({ field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(v)}: must be no more than 63 characters` });
    else if (!labelValue.test(v)) out.push({ field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(v)}: ${messages.labelValue}` });
  }
  return out;
}

/** Problems with an object's name, labels and annotations, as 422 causes. */
export function metadataCauses(t: ResourceType, obj: any): StatusCause[] {
  const meta = obj.metadata ?? {};
  const causes = [...nameCauses(t, String(meta.name ?? '')), ...labelCauses(meta.labels ?? {})];
  const annotationBytes = Object.entries(meta.annotations ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (annotationBytes > 262144) causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' });
  return causes;
}
