/**
 * A small HTTPS JSON client for the cluster's own set-up (readiness, the objects it seeds, the
 * LoadBalancer-IP stand-in, kwok's stages): node:https with a client certificate, no retries
 * beyond what a caller asks for. capstan itself talks to the cluster through lib/kube.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';

export interface ApiCredentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

export interface ApiResponse {
  status: number;
  body: any;
  text: string;
}

export class ClusterApi {
  private readonly ca: Buffer;
  private readonly cert: Buffer;
  private readonly key: Buffer;
  readonly server: string;
  private readonly discovery = new Map<string, { name: string; kind: string; namespaced: boolean }[]>();

  constructor(c: ApiCredentials) {
    this.server = c.server;
    this.ca = readFileSync(c.ca);
    this.cert = readFileSync(c.cert);
    this.key = readFileSync(c.key);
  }

  /** One request; resolves with any HTTP status (connection errors reject). */
  call(method: string, path: string, body?: unknown, o: { contentType?: string; timeoutMs?: number } = {}): Promise<ApiResponse> {
    const url = new URL(path, this.server);
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method, ca: this.ca, cert: this.cert, key: this.key, timeout: o.timeoutMs ?? 10_000,
        headers: { accept: 'application/json', ...(data ? { 'content-type': o.contentType ?? 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { text += d; });
        res.on('end', () => {
          let parsed: any;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer in ${o.timeoutMs ?? 10_000}ms`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  /** Like call, but throws unless the status is 2xx (or listed in `ok`). */
  async must(method: string, path: string, body?: unknown, o: { ok?: number[]; contentType?: string } = {}): Promise<any> {
    const r = await this.call(method, path, body, o);
    if ((r.status < 200 || r.status > 299) && !(o.ok ?? []).includes(r.status)) {
      throw new Error(`cluster: ${method} ${path}: HTTP ${r.status}: ${r.body?.message ?? r.text.slice(0, 300)}`);
    }
    return r.body;
  }

  /** The REST path of an object (or its collection without a name), from discovery (cached). */
  async resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const fetch = async () => {
      const list = ((await this.must('GET', base)).resources as { name: string; kind: string; namespaced: boolean }[]).filter((r) => !r.name.includes('/'));
      this.discovery.set(base, list);
      return list;
    };
    // A kind missing from the cached list is looked up again: a group's CRDs join discovery one by one.
    let r = (this.discovery.get(base) ?? await fetch()).find((x) => x.kind === kind);
    if (!r) r = (await fetch()).find((x) => x.kind === kind);
    if (!r) throw new Error(`cluster: ${apiVersion} serves no ${kind}`);
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.name}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /** An object, or undefined when it does not exist. */
  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<any | undefined> {
    const r = await this.call('GET', await this.resourcePath(apiVersion, kind, namespace, name));
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new Error(`cluster: get ${kind} ${namespace ?? ''}/${name}: HTTP ${r.status}: ${r.body?.message ?? r.text.slice(0, 300)}`);
    return r.body;
  }

  /** The items of a collection (all namespaces when none is given). */
  async list(apiVersion: string, kind: string, namespace?: string): Promise<any[]> {
    return (await this.must('GET', await this.resourcePath(apiVersion, kind, namespace))).items;
  }

  /** Create, or leave as is when it exists (409). */
  create(collectionPath: string, obj: unknown): Promise<any> {
    return this.must('POST', collectionPath, obj, { ok: [409] });
  }

  /** Server-side apply as field manager `manager` (force: the cluster's own seed objects). */
  apply(objectPath: string, obj: unknown, manager: string): Promise<any> {
    return this.must('PATCH', `${objectPath}?fieldManager=${encodeURIComponent(manager)}&force=true`, obj, { contentType: 'application/apply-patch+yaml' });
  }
}
