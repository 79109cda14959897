/**
 * Backups of the replaced haproxy.cfg: `<path>.<YYYYMMDDTHHMMSS>.bak`, written whole or not at all
 * (the transport's temp file + rename: a full disk leaves no 0-byte .bak that looks like a real
 * one), mode 0600 (the file holds the stats password), with every line holding a rotated-out
 * secret replaced by the current file's line of that shape (lib/secret-diff.ts, also in the
 * backups kept from before a rotation), and pruned to the newest `haproxy_backup_keep`.
 */
import { basename, dirname } from 'node:path';
import { CommandError } from '../../lib/errors.ts';
import { withoutRotatedSecrets } from '../../lib/secret-diff.ts';
import { sh } from '../../lib/shell.ts';
import type { Transport } from '../../lib/transport/types.ts';

export interface BackupTarget {
  readonly t: Transport;
  readonly become: boolean;
  readonly timeoutMs: number;
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
}

/**
 * Back up the live config before it is replaced; returns the backup's path. Two deploys within
 * one second (a quick rerun, a password rotation) must not overwrite the first one's backup: a
 * name already taken moves on to the next second (names keep their format and still sort by time).
 */
export async function writeBackup(r: BackupTarget, path: string, current: string, now = new Date()): Promise<string> {
  const [live, taken] = await Promise.all([r.t.get(path, { become: r.become }), listBackups(r, path)]);
  const old = live?.toString('utf8') ?? '';
  const exists = new Set(taken);
  let t = now.getTime();
  let backup = `${path}.${stamp(new Date(t))}.bak`;
  for (let i = 0; exists.has(backup) && i < 3600; i++) {
    t += 1000;
    backup = `${path}.${stamp(new Date(t))}.bak`;
  }
  await r.t.put(backup, withoutRotatedSecrets(old, current), { mode: 0o600, become: r.become });
  return backup;
}

/** The backups of `path` on the host, oldest first (their names sort by time). */
async function listBackups(r: BackupTarget, path: string): Promise<string[]> {
  const cmd = sh`ls -1A -- ${dirname(path)}`;
  const out = await r.t.run(cmd, { become: r.become, timeoutMs: r.timeoutMs });
  if (out.code !== 0) throw new CommandError(r.t.host, cmd.text, out.code, out.stderr, { hint: `cannot list the backups of ${path}` });
  const name = basename(path);
  return out.stdout.split('\n').filter((n) => n.startsWith(`${name}.`) && /^\.\d{8}T\d{6}\.bak$/.test(n.slice(name.length)))
    .sort().map((n) => `${dirname(path)}/${n}`);
}

/**
 * Remove all but the newest `keep` backups, and rewrite a kept one that still holds a secret
 * line other than `current`'s (a password rotated since it was written); returns the removed paths.
 */
export async function pruneBackups(r: BackupTarget, path: string, keep: number, current: string): Promise<string[]> {
  const all = await listBackups(r, path);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const kept of all.slice(old.length)) {
    const text = (await r.t.get(kept, { become: r.become }))?.toString('utf8');
    if (text === undefined) continue;
    const scrubbed = withoutRotatedSecrets(text, current);
    if (scrubbed !== text) await r.t.put(kept, scrubbed, { mode: 0o600, become: r.become });
  }
  if (!old.length) return [];
  const cmd = sh`rm -f -- ${old}`;
  const out = await r.t.run(cmd, { become: r.become, timeoutMs: r.timeoutMs });
  if (out.code !== 0) throw new CommandError(r.t.host, cmd.text, out.code, out.stderr, { hint: 'the new config is installed and reloaded; only removing old backups failed' });
  return old;
}
