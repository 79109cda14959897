// lib/transport/ssh-connect.ts: TCP_NODELAY from the first byte of the handshake (a TCP STAND-IN on loopback that speaks no SSH).
import { createServer, Socket, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectSsh } from '../../../lib/transport/ssh-connect.ts';
import { sshSystem } from '../../../lib/transport/openssh-files.ts';

let server: Server;
let port = 0;
const dir = mkdtempSync(join(tmpdir(), 'capstan-ssh-connect-'));
const sockets: Socket[] = [];

beforeAll(async () => {
  // answers with an SSH banner and then nothing: the handshake never completes (readyTimeout ends it)
  server = createServer((s) => { sockets.push(s); s.write('SSH-2.0-capstan-stand-in\r\n'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('connectSsh', () => {
  it('turns Nagle off as it connects, before the key exchange and authentication (each a small round trip)', async () => {
    const setNoDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    const { private: privateKey } = ssh2.utils.generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'id'), privateKey, { mode: 0o600 });
    try {
      await expect(connectSsh({
        host: 'standin', connection: 'ssh', address: '127.0.0.1', port, user: 'nobody', privateKeyFile: join(dir, 'id'),
        become: false, becomeUser: 'root', knownHostsFile: join(dir, 'known_hosts'),
      }, { retries: 0, connectTimeoutMs: 300, system: sshSystem({ HOME: dir, CAPSTAN_SYSCONFDIR: dir }) })).rejects.toThrow(/standin/);
      // never 'ready': only a call made at connect time can have happened
      expect(setNoDelay).toHaveBeenCalledWith(true);
    } finally {
      setNoDelay.mockRestore();
    }
  });
});
