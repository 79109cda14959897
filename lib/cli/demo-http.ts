/**
 * The demo's requests through the deployed HAProxy: plain HTTP to the load-balancer host's
 * frontends, each retried (bounded) while HAProxy starts or reports 503, each answer printed.
 * Behind HAProxy the nodes' NodePorts are answered by the k3s stand-in, which says so.
 */
import { request } from 'node:http';
import pRetry from 'p-retry';
import type { CliIO } from './args.ts';

export interface Answer {
  status: number;
  body: string;
}

export interface DemoRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
}

function httpCall(r: DemoRequest, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(r.url, { method: r.method ?? 'GET', timeout: 5000, signal, headers: { connection: 'close', ...r.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error(`${r.url}: no answer in 5s`)));
    req.on('error', reject);
    req.end();
  });
}

/** `count` requests, one after another; the bodies of the 200 answers, in order. */
export async function throughHaproxy(r: DemoRequest, count: number, io: CliIO, signal: AbortSignal): Promise<string[]> {
  const answers: string[] = [];
  const what = `${r.method ?? 'GET'} ${r.url}`;
  for (let i = 1; i <= count; i++) {
    const a = await pRetry(async () => {
      const res = await httpCall(r, signal);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body}`);
      return res;
    }, { retries: 8, minTimeout: 100, maxTimeout: 1000, signal, onFailedAttempt: ({ error }) => { io.stdout.write(`  waiting for HAProxy at ${r.url}: ${error.message}\n`); } });
    io.stdout.write(`  ${what} #${i} → ${a.status} ${a.body}\n`);
    answers.push(a.body);
  }
  return answers;
}

/** The nodes whose stand-in answered (`k3s stand-in on <node>: ...`), in `nodes`' order. */
export function nodesReached(answers: readonly string[], nodes: readonly string[]): string[] {
  return nodes.filter((n) => answers.some((a) => a.startsWith(`k3s stand-in on ${n}:`)));
}
