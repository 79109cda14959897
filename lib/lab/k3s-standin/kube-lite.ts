/**
 * k3s STAND-IN support: the few Kubernetes API calls the stand-in makes (register a Node, keep the
 * bootstrap record), over node:https with the credentials of a kubeconfig file. The stand-in runs
 * inside a lab host as its own program, so it carries this small client instead of lib/kube.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';

export interface KubeAccess {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecure: boolean;
}

function b64(v: unknown): Buffer | undefined {
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}

function fileOrData(data: unknown, file: unknown): Buffer | undefined {
  return b64(data) ?? (typeof file === 'string' ? readFileSync(file) : undefined);
}

/** The current context's cluster and user of a kubeconfig (data or file fields). */
export function kubeAccessFrom(kubeconfigText: string): KubeAccess {
  const doc = parse(kubeconfigText) as Record<string, any>;
  const ctxName = doc['current-context'] ?? doc.contexts?.[0]?.name;
  const ctx = doc.contexts?.find((c: any) => c.name === ctxName)?.context ?? {};
  const cluster = (doc.clusters?.find((c: any) => c.name === ctx.cluster) ?? doc.clusters?.[0])?.cluster ?? {};
  const user = (doc.users?.find((u: any) => u.name === ctx.user) ?? doc.users?.[0])?.user ?? {};
  const access: KubeAccess = { server: String(cluster.server), insecure: cluster['insecure-skip-tls-verify'] === true };
  const ca = fileOrData(cluster['certificate-authority-data'], cluster['certificate-authority']);
  const cert = fileOrData(user['client-certificate-data'], user['client-certificate']);
  const key = fileOrData(user['client-key-data'], user['client-key']);
  if (ca) access.ca = ca;
  if (cert) access.cert = cert;
  if (key) access.key = key;
  if (typeof user.token === 'string') access.token = user.token;
  return access;
}

export interface KubeResponse {
  status: number;
  body: any;
}

export function kubeRequest(access: KubeAccess, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
  const url = new URL(path, access.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      ca: access.ca, cert: access.cert, key: access.key,
      rejectUnauthorized: !access.insecure,
      timeout: 10_000,
      headers: {
        accept: 'application/json',
        ...(payload === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
        ...(access.token ? { authorization: `Bearer ${access.token}` } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.href}: no answer in 10s`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Fails with the API's message unless the status is one of `ok`. */
export async function kubeCall(access: KubeAccess, method: string, path: string, body?: unknown, ok: number[] = [200, 201], contentType?: string): Promise<KubeResponse> {
  const r = await kubeRequest(access, method, path, body, contentType);
  if (!ok.includes(r.status)) {
    const message = typeof r.body === 'object' && r.body ? r.body.message : String(r.body);
    throw new Error(`${method} ${path}: HTTP ${r.status}: ${message}`);
  }
  return r;
}
