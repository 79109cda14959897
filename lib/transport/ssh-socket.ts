/**
 * The TCP socket under an SSH connection. ssh2 writes each packet in pieces (AES-GCM: the length,
 * the ciphertext, the tag: three `write` calls), and with Nagle off (as it must be: with it, each
 * round trip of the handshake waited ~40 ms on the delayed ACK) every piece became its own
 * syscall and TCP segment, which sshd on the host then woke up for. This socket gathers what is
 * written within one tick and sends it at the end of the tick (cork, then uncork on nextTick: one
 * writev): nothing waits longer than the current tick, and a packet travels as one segment.
 */
import { Socket } from 'node:net';

export function sshSocket(host: string, port: number): Socket {
  const sock = new Socket();
  sock.setNoDelay(true);
  // connect() puts back Socket.prototype.write (undoing an earlier end()): wrap after it
  sock.connect({ host, port });
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    sock.uncork();
  };
  sock.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      sock.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
  return sock;
}
