/**
 * A STAND-IN TCP endpoint on 127.0.0.1 for forwards (kwok's PortForward target, a dashboard's
 * pod): answers the first bytes of each connection with reply(bytes) and a newline, and ends it
 * (kubectl port-forward keeps the local side open after the remote end: the newline marks the
 * end of the answer); close() ends
 * every open connection too, so a test never waits on a forward that keeps one open.
 * askThrough() sends a message to a local port and reads the answer to the end, retrying (bounded)
 * while a forward answers nothing yet (kwok reads its PortForward objects through a watch).
 *
 *   const standIn = await tcpStandIn((b) => `stand-in:${b.toString().toUpperCase()}`);
 *   await askThrough(localPort, 'ping')   // 'stand-in:PING'
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpStandIn {
  readonly port: number;
  /** What each connection sent first, in order. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function tcpStandIn(reply: (got: Buffer) => string): Promise<TcpStandIn> {
  const open = new Set<Socket>();
  const received: string[] = [];
  const server = createServer((s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
    s.once('data', (b) => { received.push(b.toString()); s.end(`${reply(b)}\n`); });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  return {
    port: (server.address() as { port: number }).port, received,
    close: () => new Promise<void>((resolve) => { for (const s of open) s.destroy(); server.close(() => resolve()); }),
  };
}

/** One connection: write message, read to the newline or the end ('' when it ends without an answer). */
function askOnce(port: number, message: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = connect(port, '127.0.0.1', () => s.write(message));
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`127.0.0.1:${port}: no end of answer in ${timeoutMs} ms (got ${JSON.stringify(got)})`)); }, timeoutMs);
    s.on('data', (b) => {
      got += b.toString();
      if (got.includes('\n')) s.destroy();
    });
    s.on('close', () => { clearTimeout(timer); resolve(got.split('\n')[0]!); });
    s.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
}

/** The answer through a forward on 127.0.0.1:port; retries an empty answer up to `attempts` times. */
export async function askThrough(port: number, message: string, o: { attempts?: number; timeoutMs?: number } = {}): Promise<string> {
  const attempts = o.attempts ?? 20;
  for (let i = 1; ; i++) {
    const answer = await askOnce(port, message, o.timeoutMs ?? 15_000);
    if (answer || i >= attempts) return answer;
    await new Promise((r) => setTimeout(r, 250 * i)); // backoff while kwok's watch catches up
  }
}
