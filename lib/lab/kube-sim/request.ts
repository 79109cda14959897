/**
 * A raw HTTPS request to the simulator (CA + bearer token from the simulator itself), for
 * tests that need exact content types, query parameters or status codes.
 */
import { request } from 'node:https';

export interface RawResponse {
  status: number;
  contentType: string;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any;
}

export interface RawRequestOptions {
  body?: unknown;
  /** Default application/json (bodies that are Buffers are sent as is). */
  contentType?: string;
  accept?: string;
}

export function rawRequest(sim: { url: string; caPem: string; token: string }, method: string, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const payload = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sim.url), {
      method, ca: sim.caPem,
      headers: {
        authorization: `Bearer ${sim.token}`, accept: options.accept ?? 'application/json',
        ...(payload ? { 'content-type': options.contentType ?? 'application/json', 'content-length': payload.length } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const contentType = String(res.headers['content-type'] ?? '');
        let body: unknown = text;
        if (contentType.startsWith('application/json')) {
          try {
            body = JSON.parse(text);
          } catch {
            body = text; // a watch stream: one JSON event per line
          }
        }
        resolve({ status: res.statusCode ?? 0, contentType, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
