/**
 * A fault-injecting proxy in front of the real API server, for retry and timeout tests: it logs
 * every request (method, path, status, ...) and can answer the next N matching requests with an
 * error status, delay matching requests, or reset their connections. Clients reach it with the
 * cluster's CA (its serving certificate is the API server's); it forwards as the user whose
 * client certificate it is given (`capstan`), so the audit log still names that user. Upgraded
 * (streaming) requests such as pods/portforward are logged and passed through, without faults.
 *
 *   const p = await startFaultProxy({ target: c.server, ca: c.caFile, cert, key, serverCert, serverKey });
 *   p.faults.failNext(3, 503, { method: 'GET', pathPrefix: '/api/v1/secrets' });
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ProxyRequest {
  method: string;
  path: string;
  query: string;
  contentType: string;
  accept: string;
  status: number;
  userAgent: string;
  /** ISO time the request arrived. */
  time: string;
  /** Milliseconds until the response headers were written. */
  durationMs: number;
  httpVersion: string;
  /** What the proxy did instead of forwarding, if anything. */
  injected?: 'status' | 'reset';
}

export interface FaultMatch { method?: string; pathPrefix?: string }

export interface ProxyFaults {
  /** The next `count` matching requests get `status` with a Status body (not forwarded). */
  failNext(count: number, status: number, match?: FaultMatch): void;
  /** The next `count` matching requests have their connection reset (not forwarded). */
  resetNext(count: number, match?: FaultMatch): void;
  /** Matching requests are forwarded `ms` later (until clear()). */
  delay(ms: number, match?: FaultMatch): void;
  clear(): void;
}

export interface FaultProxy {
  url: string;
  requests: ProxyRequest[];
  faults: ProxyFaults;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  target: string;
  ca: string;
  cert: string;
  key: string;
  serverCert: string;
  serverKey: string;
  host?: string;
}

const REASONS: Record<number, string> = {
  403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalError', 502: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

interface Rule { remaining: number; match: FaultMatch; status?: number }

function matches(m: FaultMatch, method: string, path: string): boolean {
  return (!m.method || m.method.toUpperCase() === method) && (!m.pathPrefix || path.startsWith(m.pathPrefix));
}

function take(rules: Rule[], method: string, path: string): Rule | undefined {
  const r = rules.find((x) => x.remaining > 0 && matches(x.match, method, path));
  if (r) r.remaining--;
  return r;
}

class Faults implements ProxyFaults {
  fails: Rule[] = [];
  resets: Rule[] = [];
  delays: { ms: number; match: FaultMatch }[] = [];
  failNext(count: number, status: number, match: FaultMatch = {}): void { this.fails.push({ remaining: count, status, match }); }
  resetNext(count: number, match: FaultMatch = {}): void { this.resets.push({ remaining: count, match }); }
  delay(ms: number, match: FaultMatch = {}): void { this.delays.push({ ms, match }); }
  clear(): void { this.fails = []; this.resets = []; this.delays = []; }
  delayFor(method: string, path: string): number {
    return this.delays.filter((d) => matches(d.match, method, path)).reduce((a, d) => a + d.ms, 0);
  }
}

function statusBody(code: number): string {
  const reason = REASONS[code] ?? 'InternalError';
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `injected fault: ${code} ${reason} (fault proxy)`, reason, code });
}

export async function startFaultProxy(o: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(o.target);
  const agent = new Agent({ keepAlive: true, ca: readFileSync(o.ca), cert: readFileSync(o.cert), key: readFileSync(o.key) });
  const faults = new Faults();
  const requests: ProxyRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://proxy');
    const method = req.method ?? 'GET';
    const t0 = Date.now();
    const entry: ProxyRequest = {
      method, path: url.pathname, query: url.search.replace(/^\?/, ''), contentType: String(req.headers['content-type'] ?? ''),
      accept: String(req.headers.accept ?? ''), status: 0, userAgent: String(req.headers['user-agent'] ?? ''),
      time: new Date(t0).toISOString(), durationMs: 0, httpVersion: req.httpVersion,
    };
    requests.push(entry);
    if (take(faults.resets, method, url.pathname)) {
      entry.injected = 'reset';
      req.socket.destroy();
      return;
    }
    const fail = take(faults.fails, method, url.pathname);
    if (fail) {
      entry.injected = 'status';
      entry.status = fail.status!;
      req.resume();
      res.writeHead(fail.status!, { 'content-type': 'application/json' }).end(statusBody(fail.status!));
      return;
    }
    const wait = faults.delayFor(method, url.pathname);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization; // the proxy authenticates upstream with its client certificate
    const up = request({ host: target.hostname, port: target.port, path: req.url, method, headers, agent }, (upRes) => {
      entry.status = upRes.statusCode ?? 0;
      entry.durationMs = Date.now() - t0;
      res.writeHead(entry.status, upRes.headers);
      res.flushHeaders(); // a watch's headers now, not with its first event (clients wait for them)
      upRes.pipe(res);
    });
    up.on('error', (err) => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(statusBody(502));
      else res.destroy(err);
    });
    res.on('close', () => {
      if (!res.writableFinished) up.destroy(); // the client went away mid-response (a watch it ended)
    });
    req.pipe(up);
  };

  /** A streaming request (pods/portforward, exec): logged, then its bytes passed both ways as they are; no faults. */
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://proxy');
    const entry: ProxyRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: url.search.replace(/^\?/, ''), contentType: '', accept: String(req.headers.accept ?? ''),
      status: 0, userAgent: String(req.headers['user-agent'] ?? ''), time: new Date().toISOString(), durationMs: 0, httpVersion: req.httpVersion,
    };
    requests.push(entry);
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization;
    const statusLine = (code: number, message: string, raw: string[]) =>
      `HTTP/1.1 ${code} ${message}\r\n${raw.reduce((acc, v, i) => (i % 2 ? `${acc}: ${v}\r\n` : `${acc}${v}`), '')}\r\n`;
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent });
    up.on('upgrade', (upRes, upSocket, upHead) => {
      entry.status = upRes.statusCode ?? 101;
      socket.write(statusLine(entry.status, upRes.statusMessage ?? 'Switching Protocols', upRes.rawHeaders));
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.pipe(socket).pipe(upSocket);
      const end = () => { socket.destroy(); upSocket.destroy(); };
      socket.on('error', end);
      upSocket.on('error', end);
      socket.on('close', end);
      upSocket.on('close', end);
    });
    up.on('response', (upRes) => { // the server refused the upgrade: its answer as it is
      entry.status = upRes.statusCode ?? 0;
      socket.write(statusLine(entry.status, upRes.statusMessage ?? '', upRes.rawHeaders));
      upRes.pipe(socket);
    });
    up.on('error', () => { entry.status = 502; socket.destroy(); });
    socket.on('error', () => up.destroy());
    up.end();
  };

  const server: Server = createServer({ cert: readFileSync(o.serverCert), key: readFileSync(o.serverKey) }, (req, res) => {
    handle(req, res).catch((err: Error) => res.destroy(err));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => upgrade(req, socket, head));
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `https://${host}:${port}`, requests, faults,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
      agent.destroy();
    }),
  };
}
