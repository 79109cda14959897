/**
 * ansible-playbook's run controls that live around a run: `--limit @file` (host names, one a
 * line, as a retry file holds them) and the retry file written after a failed run when
 * retry_files_enabled is set (`<save path>/<playbook>.retry`, the failed and unreachable hosts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import type { HostStats } from '../report/events.ts';

/** `--limit @file` → the hosts in it as a pattern; any other limit as given. */
export function limitPattern(limit: string | undefined, cwd: string): string | undefined {
  if (!limit?.startsWith('@')) return limit;
  const file = resolve(cwd, limit.slice(1));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError([{ file, key: '--limit', message: `cannot read the limit file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}: check the path` }]);
  }
  const hosts = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (hosts.length === 0) throw new InputError([{ file, key: '--limit', message: 'the limit file names no host: one host name a line' }]);
  return hosts.join(',');
}

/** Writes the retry file; returns its path, or undefined when no host failed. */
export function writeRetryFile(hosts: Readonly<Record<string, HostStats>>, playbook: string, saveDir: string): string | undefined {
  const failed = Object.entries(hosts).filter(([, s]) => s.failed > 0 || s.unreachable > 0).map(([h]) => h).sort();
  if (failed.length === 0) return undefined;
  mkdirSync(saveDir, { recursive: true });
  const file = join(saveDir, `${basename(playbook).replace(/\.ts$/, '')}.retry`);
  writeFileSync(file, `${failed.join('\n')}\n`);
  return file;
}
