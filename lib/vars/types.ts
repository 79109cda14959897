/**
 * Shared zod types for role vars: every message says what is wrong and how to fix it, because it
 * is printed as `file › key: message` before anything connects.
 *
 *   istio_gateway_http_nodeport: { schema: t.nodePort, default: 31080, description: '...' }
 */
import { isIP, isIPv4 } from 'node:net';
import { z } from 'zod';
import { parseCidr, parseIp, parseRange } from './ip.ts';

/** A schema of `base` whose values must also pass `test` (which returns the problem, or undefined). */
export function rule<T>(base: z.ZodType<T>, test: (value: T) => string | undefined, title?: string, jsonSchema: Record<string, unknown> = {}): z.ZodType<T> {
  const checked = base.superRefine((value, ctx) => {
    const problem = test(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
  // The title is the type name `npm run doc` and docs/variables.md show; `jsonSchema` (e.g. a
  // minimum and maximum) lets docs/inventory-vars.schema.json say what `test` checks, for editors.
  return title ? checked.meta({ title, ...jsonSchema }) : checked;
}

const show = (v: unknown): string => JSON.stringify(v);

const integer = z.number().int();

export const port = rule(integer, (v) =>
  v >= 1 && v <= 65535 ? undefined : `${v} is not a TCP/UDP port; use a port in 1-65535`, 'port (1-65535)', { minimum: 1, maximum: 65535 });

export const nodePort = rule(integer, (v) =>
  v >= 30000 && v <= 32767 ? undefined : `${v} is outside the NodePort range 30000-32767; use a port in 30000-32767`, 'NodePort (30000-32767)', { minimum: 30000, maximum: 32767 });

const IP_EXAMPLES = 'like 192.168.1.240, or IPv6 like 2001:db8::10';

function ipProblem(v: string): string | undefined {
  return parseIp(v) ? undefined : `${show(v)} is not an IP address; write an IPv4 address (four numbers 0-255) ${IP_EXAMPLES}`;
}

function ipv4Problem(v: string): string | undefined {
  return isIPv4(v) ? undefined : `${show(v)} is not an IPv4 address; write four numbers 0-255, like 192.168.1.240`;
}

function cidrProblem(v: string): string | undefined {
  const span = parseCidr(v);
  if (typeof span !== 'string') return undefined;
  return span === 'not a CIDR' ? `${show(v)} is not a CIDR; write address/prefix, like 192.168.1.0/24 or 2001:db8::/64`
    : `${show(v)} is not a CIDR: ${span}`;
}

function rangeProblem(v: string): string | undefined {
  const span = parseRange(v);
  if (typeof span !== 'string') return undefined;
  return span === 'not a range' ? `${show(v)} is not an IP range; write first-last, like 192.168.1.240-192.168.1.250 or 2001:db8::10-2001:db8::1f`
    : `${show(v)} is a range ${span}`;
}

/** An IPv4 or IPv6 address (what every address var takes: dual-stack sites use both). */
export const ipAddress = rule(z.string(), ipProblem, 'IP address (IPv4 or IPv6)');
/** Only where the far end cannot take IPv6. */
export const ipv4 = rule(z.string(), ipv4Problem, 'IPv4 address');
export const cidr = rule(z.string(), cidrProblem, 'CIDR (IPv4 or IPv6)');
export const ipRange = rule(z.string(), rangeProblem, 'IP range (first-last)');

/** A MetalLB-style pool entry: a range `a-b`, a CIDR `a/n`, or a single address, IPv4 or IPv6. */
export const poolAddress = rule(z.string(), (v) => {
  if (v.includes('-')) return rangeProblem(v);
  if (v.includes('/')) return cidrProblem(v);
  return parseIp(v) ? undefined
    : `${show(v)} is not an address pool entry; write a range (192.168.1.240-192.168.1.250), a CIDR (192.168.1.240/28, 2001:db8::/124) or one address`;
}, 'address pool entry (range, CIDR or IP)');

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** A Kubernetes resource quantity: `512Mi`, `1Gi`, `500m`, `2`. */
export const quantity = z.union([
  rule(z.string(), (v) => QUANTITY.test(v) ? undefined
    : `${show(v)} is not a Kubernetes quantity; use a number with a suffix such as 512Mi, 1Gi or 500m`),
  rule(z.number(), (v) => v >= 0 ? undefined : `${v} is negative; a Kubernetes quantity is 0 or more`),
]).meta({ title: 'Kubernetes quantity' });

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function labelProblem(v: string, what: string): string | undefined {
  if (v.length > 63) return `${show(v)} is longer than 63 characters; shorten the ${what}`;
  return LABEL.test(v) ? undefined
    : `${show(v)} is not a DNS-1123 label; use lower-case letters, digits and '-', starting and ending with a letter or digit`;
}

export const dns1123Label = rule(z.string(), (v) => labelProblem(v, 'name'), 'DNS-1123 label');

export const dns1123Subdomain = rule(z.string(), (v) => {
  if (v.length > 253) return `${show(v)} is longer than 253 characters; shorten the name`;
  return v.split('.').every((l) => l.length <= 63 && LABEL.test(l)) ? undefined
    : `${show(v)} is not a DNS-1123 subdomain; use lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit`;
}, 'DNS-1123 subdomain');

const HOST_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

export const hostname = rule(z.string(), (v) =>
  v.length <= 253 && v.split('.').every((l) => l.length <= 63 && HOST_LABEL.test(l)) ? undefined
    : `${show(v)} is not a host name; use letters, digits and '-', parts separated by '.'`, 'host name');

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && !prefix.split('.').every((l) => LABEL.test(l))) {
    return `label key ${show(key)} has a prefix that is not a DNS-1123 subdomain`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key ${show(key)} is not valid; use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Kubernetes labels: `{ key: value }` with valid keys and values. */
export const k8sLabels = rule(z.record(z.string(), z.string()), (labels) => {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) return keyProblem;
    if (value !== '' && (value.length > 63 || !LABEL_NAME.test(value))) {
      return `label value ${show(value)} (key ${key}) is not valid; use at most 63 letters, digits, '-', '_' or '.'`;
    }
  }
  return undefined;
}, 'Kubernetes labels (map)');

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go-style duration: `30s`, `5m`, `1h30m`. */
export const duration = rule(z.string(), (v) => DURATION.test(v) ? undefined
  : `${show(v)} is not a duration; write a number with a unit, like 30s, 5m or 1h30m`, 'duration (30s, 5m, 1h30m)');

/** Seconds in a duration accepted by `duration`. */
export function durationSeconds(v: string): number {
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** `present` / `absent`, as Ansible roles write a state. */
export const state = z.enum(['present', 'absent']);

// Values that reach commands, files and node names on the hosts: refused here, before anything
// connects, so none is taken for an option (`-oProxyCommand=...`), cut by a NUL or split by a newline.

const CONTROL = /[\u0000-\u001f\u007f]/;
const controlProblem = (v: string): string | undefined =>
  CONTROL.test(v) ? `${show(v)} holds a line break or control character; remove it` : undefined;
const optionProblem = (v: string, example: string): string | undefined =>
  v.startsWith('-') ? `${show(v)} starts with '-', so a command would take it for an option; write ${example}` : undefined;

/** A path on a host: absolute, so no value reaches a command as an option or lands under the login folder. */
export const absolutePath = rule(z.string(), (v) => controlProblem(v)
  ?? (v.startsWith('/') ? undefined : `${show(v)} is not an absolute path; write the full path, starting with /, like /etc/systemd/system`),
'absolute path');

/** A path on the controller: relative, absolute or `~/...`, but never option-like. */
export const controllerPath = rule(z.string().min(1), (v) => controlProblem(v) ?? optionProblem(v, 'a path, like ./files or ~/.kube/config'), 'path');

/** A command: a name on PATH (`haproxy`, `helm`) or an absolute path. */
export const commandName = rule(z.string(), (v) => {
  if (v.startsWith('/')) return controlProblem(v);
  return /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(v) ? undefined
    : `${show(v)} is not a command name; write a name on PATH (letters, digits, '.', '_', '+', '-') or an absolute path`;
}, 'command (name or absolute path)');

/** A kernel module name as modprobe takes it. */
export const kernelModule = rule(z.string(), (v) => /^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(v) ? undefined
  : `${show(v)} is not a kernel module name; use letters, digits, '_' and '-', like br_netfilter`, 'kernel module name');

/** A login name (POSIX, as useradd takes it): ansible_user, ansible_become_user. */
export const userName = rule(z.string(), (v) => /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/.test(v) ? undefined
  : `${show(v)} is not a user name; use letters, digits, '_', '.' and '-', starting with a letter or '_', like ubuntu`, 'user name');

/** A host name or an IP address (v4 or v6), bare: no scheme, port, path or spaces. */
export const hostOrIp = rule(z.string(), (v) => {
  if (isIP(v)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return `${show(v)} is a URL; write the host name or IP address only, like 192.168.1.101 (the port is its own var)`;
  return v.length <= 253 && v.split('.').every((l) => l.length <= 63 && HOST_LABEL.test(l)) ? undefined
    : `${show(v)} is neither an IP address nor a host name; write one, like 192.168.1.101 or k8s-api.example.com`;
}, 'host name or IP address');

/** A Kubernetes node name: a DNS-1123 subdomain (k3s registers it; the API refuses anything else). */
export const nodeName = rule(z.string(), (v) => {
  const ok = v.length <= 253 && v.split('.').every((l) => l.length <= 63 && LABEL.test(l));
  return ok ? undefined
    : `${show(v)} is not a valid Kubernetes node name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, like k8s-node1`;
}, 'node name (DNS-1123 subdomain)');

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity accepted by `quantity` (1Gi → 1073741824), to compare a request with its limit. */
export function quantityValue(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|([KMGTPE]i|[numkMGTPE]))?$/.exec(q);
  if (!m) return Number.NaN;
  return Number(m[1]! + (m[2] ?? '')) * QUANTITY_SUFFIX[m[3] ?? '']!;
}
