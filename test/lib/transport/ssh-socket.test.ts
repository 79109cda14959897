// lib/transport/ssh-socket.ts: what ssh2 writes within one tick (a packet's length, ciphertext and
// tag) leaves as ONE writev, at the end of that tick; later writes are not held back (local TCP server).
import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sshSocket } from '../../../lib/transport/ssh-socket.ts';

const received: Buffer[] = [];
const server = createServer((c) => c.on('data', (d) => received.push(d)));
const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
afterAll(() => new Promise((r) => server.close(r)));

/** Counts the socket's calls into the OS layer: _write for one chunk, _writev for several. */
function counted(s: Socket) {
  const calls: number[] = [];
  const internals = s as unknown as { _write: (...a: unknown[]) => void; _writev: (chunks: unknown[], cb: unknown) => void };
  const w = internals._write.bind(s);
  const wv = internals._writev.bind(s);
  internals._write = (...a) => { calls.push(1); w(...a); };
  internals._writev = (chunks, cb) => { calls.push(chunks.length); wv(chunks, cb); };
  return calls;
}

describe('sshSocket', () => {
  it('sends the writes of one tick together, at the end of the tick', async () => {
    const s = sshSocket('127.0.0.1', port);
    await new Promise((r) => s.once('connect', r));
    const calls = counted(s);
    s.write(Buffer.from('len.'));
    s.write(Buffer.from('ciphertext'));
    s.write(Buffer.from('tag'));
    expect(calls).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([3]);
    s.write(Buffer.from('next'));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([3, 1]);
    await new Promise<void>((r) => s.end(r));
    await new Promise((r) => setTimeout(r, 50));
    expect(Buffer.concat(received).toString()).toBe('len.ciphertexttagnext');
  });
});
