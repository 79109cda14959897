/**
 * A STAND-IN HTTP endpoint on 127.0.0.1 (what a pod would serve: Kiali, Prometheus' API,
 * Grafana's, Jaeger's health), reached in tests through kwok's PortForward rules. answer() gets
 * each request with its body and returns the status and body to send; every request is recorded.
 * close() ends keep-alive connections too, so a test never waits on one.
 *
 *   const kiali = await httpStandIn('kiali-stand-in', (r) => ({ status: 200, body: 'ok' }));
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface StandInRequest { readonly method: string; readonly url: string; readonly headers: IncomingHttpHeaders; readonly body: Buffer }
export interface StandInAnswer { readonly status: number; readonly body: string | Buffer; readonly type?: string }

export interface HttpStandIn {
  readonly name: string;
  readonly port: number;
  readonly requests: StandInRequest[];
  /** Change what it answers from now on. */
  answerWith(answer: (r: StandInRequest) => StandInAnswer): void;
  close(): Promise<void>;
}

export async function httpStandIn(name: string, answer: (r: StandInRequest) => StandInAnswer): Promise<HttpStandIn> {
  const requests: StandInRequest[] = [];
  let current = answer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(r);
      const a = current(r);
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json', 'x-stand-in': name });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  return {
    name, port: (server.address() as { port: number }).port, requests,
    answerWith: (a) => { current = a; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
