// roles/haproxy/backup.ts on a local transport over a temp folder: two backups in the same second
// keep both (the second takes the next second's name), mode 0600, and names that still sort by time.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localTransport } from '../../../lib/transport/local.ts';
import { pruneBackups, writeBackup } from '../../../roles/haproxy/backup.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-haproxy-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('haproxy.cfg backups', () => {
  it('two backups within one second are both kept, in the order they were made', async () => {
    const cfg = join(dir, 'haproxy.cfg');
    const r = { t: localTransport(), become: false, timeoutMs: 10_000 };
    const now = new Date('2026-12-02T20:02:23.100Z');
    writeFileSync(cfg, 'first\n');
    const a = await writeBackup(r, cfg, 'second\n', now);
    writeFileSync(cfg, 'second\n');
    const b = await writeBackup(r, cfg, 'third\n', new Date(now.getTime() + 300));
    expect([a, b]).toEqual([`${cfg}.20261202T200223.bak`, `${cfg}.20261202T200224.bak`]);
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['first\n', 'second\n']);
    expect(statSync(b).mode & 0o777).toBe(0o600);
    // pruning to one keeps the newer (names sort by time)
    expect(await pruneBackups(r, cfg, 1, 'third\n')).toEqual([a]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.bak'))).toEqual(['haproxy.cfg.20261202T200224.bak']);
  });
});
