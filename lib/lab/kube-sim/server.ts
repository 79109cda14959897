/**
 * The HTTPS server: HTTP/2 with ALPN and HTTP/1.1 fallback (node:http2 createSecureServer with
 * allowHTTP1), bearer-token authentication, the request log, injected faults, and JSON or
 * streamed watch responses.
 */
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import type { SimContext } from './context.ts';
import type { FaultInjector } from './faults.ts';
import { route, type RoutedRequest } from './router.ts';
import { ApiError } from './status.ts';
import type { SimulatorCerts } from './tls.ts';
import type { ProxyRequest } from '../cluster/fault-proxy.ts';

/** One request as the simulator logs it: the same shape as the real control plane's fault proxy
 * logs (lib/lab/cluster/fault-proxy.ts), so a test reads either; watches count until the stream opened. */
export type RequestLogEntry = Omit<ProxyRequest, 'injected'>;

export interface ServerDeps {
  ctx: SimContext;
  certs: SimulatorCerts;
  token: string;
  faults: FaultInjector;
  log: RequestLogEntry[];
  serverAddress: () => string;
}

function readBody(req: Http2ServerRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: Http2ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(deps: ServerDeps, req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
  const url = new URL(req.url, 'https://kube-sim');
  const header = (n: string): string => String(req.headers[n] ?? '');
  const entry: RequestLogEntry = {
    method: req.method, path: url.pathname, query: url.search.replace(/^\?/, ''), contentType: header('content-type'),
    accept: header('accept'), status: 0, userAgent: header('user-agent'), time: new Date().toISOString(), durationMs: 0, httpVersion: req.httpVersion,
  };
  deps.log.push(entry);
  const body = await readBody(req);
  const started = performance.now();
  const reply = (status: number, payload: unknown, contentType?: string): void => {
    entry.status = status;
    entry.durationMs = Math.round(performance.now() - started);
    send(res, status, payload, contentType);
  };
  if (header('authorization') !== `Bearer ${deps.token}`) {
    reply(401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    return;
  }
  const delay = deps.faults.delayFor(req.method, url.pathname);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const fault = deps.faults.failure(req.method, url.pathname);
  if (fault) {
    reply(fault.status, fault.body);
    return;
  }
  const routed: RoutedRequest = {
    method: req.method, path: url.pathname, query: url.searchParams, contentType: entry.contentType, accept: entry.accept,
    userAgent: entry.userAgent, body, serverAddress: deps.serverAddress(),
  };
  try {
    const result = route(deps.ctx, routed);
    if ('watch' in result) {
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
      const open = (): boolean => !res.writableEnded && !res.destroyed;
      result.watch({ write: (c) => open() && res.write(c), end: () => open() && void res.end(), onClose: (fn) => res.on('close', fn) });
      return;
    }
    reply(result.status, result.body, result.contentType);
  } catch (e) {
    if (e instanceof ApiError) reply(e.code, e.body());
    else reply(500, new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).stack ?? String(e)}`).body());
  }
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function listen(deps: ServerDeps, host: string, port: number): Promise<RunningServer> {
  const server = createSecureServer({ key: deps.certs.keyPem, cert: deps.certs.certPem, allowHTTP1: true });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    handle(deps, req, res).catch((e: unknown) => {
      if (res.destroyed) return; // the client went away mid-request: nobody to answer
      if (!res.headersSent) send(res, 500, new ApiError(500, 'InternalError', String(e)).body());
      else process.stderr.write(`kube-sim: ${req.method} ${req.url} failed after its response started: ${String(e)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
