/**
 * Tunnels (Transport.forward): a listener on 127.0.0.1:<ephemeral> whose connections go through
 * the host's SSH connection (ssh2 forwardOut) to remoteHost:remotePort as the host sees it.
 */
import { createServer, type Socket } from 'node:net';
import type { Client } from 'ssh2';
import { ConnectionError } from '../errors.ts';

export interface Tunnel {
  port: number;
  close(): Promise<void>;
}

export function tunnelOps(client: Client, host: string, dead: () => ConnectionError | undefined) {
  const open = new Set<Tunnel>();

  async function forward(remoteHost: string, remotePort: number): Promise<Tunnel> {
    const gone = dead();
    if (gone) throw gone;
    const sockets = new Set<Socket>();
    // half-open: a client that ends its side still gets the rest of the reply; no Nagle on the
    // local hop: holding a small write back until the last one is acked stalls each API request
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      client.forwardOut('127.0.0.1', socket.localPort ?? 0, remoteHost, remotePort, (err, stream) => {
        if (err) {
          socket.destroy(new ConnectionError(host, `tunnel to ${remoteHost}:${remotePort} refused: ${err.message}`));
          return;
        }
        socket.pipe(stream).pipe(socket);
        stream.on('error', () => socket.destroy());
        socket.on('error', () => stream.close());
      });
    });
    await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
    const tunnel: Tunnel = {
      port: (server.address() as { port: number }).port,
      close: () => new Promise<void>((resolve) => {
        open.delete(tunnel);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    };
    open.add(tunnel);
    return tunnel;
  }

  return {
    forward,
    closeAll: async () => {
      await Promise.all([...open].map((t) => t.close()));
    },
  };
}
