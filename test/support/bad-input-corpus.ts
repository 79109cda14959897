/**
 * The bad-input corpus's runner (cases in test/fixtures/bad-input/, how to add one in its
 * README.md). A case is a folder with a `case.yml` and, optionally, an `inventory/` tree laid over
 * a copy of `_base/`. Each case runs the real CLI as a child process under a memory cap and a
 * kill bound, with the offline guard preloaded (test/support/offline-guard.ts), HOME in its temp
 * folder and no vault or kube variables inherited.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFile, chmod, cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

export const PROJECT_DIR = resolve(import.meta.dirname, '../..');
export const CORPUS_DIR = resolve(PROJECT_DIR, 'test/fixtures/bad-input');
const NODE = resolve(PROJECT_DIR, 'node_modules/.bin/node');
const GUARD = resolve(import.meta.dirname, 'offline-guard.ts');
/** A hang or a blow-up fails the case, not the suite. */
export const KILL_AFTER_MS = 60_000;
export const MEMORY_CAP_MB = 512;

/** A special file made in the case's copy before the run (git cannot hold these). */
export type Special =
  | { fifo: string }
  | { symlink: string; to: string }
  | { chmod: string; mode: number }
  | { write: string; text: string; repeat?: number }
  | { append: string; text: string; repeat?: number }
  | { remove: string };

export interface BadInputCase {
  readonly name: string;
  /** One line: what is wrong in this case. */
  readonly about: string;
  /** CLI arguments after `-i <inventory>`; `{inv}` is the case's inventory copy. Default: a real run. */
  readonly args: readonly string[];
  /** Lay the case's inventory/ over a copy of _base/ (default), or use it alone. */
  readonly base: boolean;
  /** The path given to -i, relative to the copy (default: the folder itself); null: no -i at all. */
  readonly inventory: string | null;
  readonly special: readonly Special[];
  /** Run as this uid (e.g. 65534) so permission checks apply although the suite runs as root. */
  readonly uid?: number;
  readonly expect: { readonly where: string; readonly fix: string };
}

export async function loadCases(): Promise<BadInputCase[]> {
  const names = (await readdir(CORPUS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name).sort();
  return Promise.all(names.map(async (name) => {
    const raw = parse(await readFile(join(CORPUS_DIR, name, 'case.yml'), 'utf8')) as Partial<BadInputCase> & Record<string, unknown>;
    if (!raw.about || !raw.expect?.where || !raw.expect.fix) {
      throw new Error(`test/fixtures/bad-input/${name}/case.yml: needs about, expect.where and expect.fix`);
    }
    return {
      name, about: raw.about, args: raw.args ?? [], base: raw.base ?? true,
      inventory: raw.inventory === undefined ? '.' : raw.inventory, special: raw.special ?? [],
      expect: raw.expect, ...(raw.uid !== undefined ? { uid: raw.uid } : {}),
    };
  }));
}

async function makeSpecial(dir: string, s: Special): Promise<void> {
  const at = (p: string): string => join(dir, p);
  if ('fifo' in s) await promisify(execFile)('mkfifo', [at(s.fifo)]);
  else if ('symlink' in s) await symlink(s.to, at(s.symlink));
  else if ('chmod' in s) await chmod(at(s.chmod), s.mode);
  else if ('write' in s) await writeFile(at(s.write), s.text.repeat(s.repeat ?? 1));
  else if ('append' in s) await appendFile(at(s.append), s.text.repeat(s.repeat ?? 1));
  else await rm(at(s.remove), { recursive: true, force: true });
}

/** The case's inventory copy in a fresh temp folder (also its HOME). */
export async function prepareCase(c: BadInputCase): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `capstan-bad-${c.name}-`));
  const inv = join(dir, 'inv');
  if (c.base) await cp(join(CORPUS_DIR, '_base'), inv, { recursive: true });
  await cp(join(CORPUS_DIR, c.name, 'inventory'), inv, { recursive: true, force: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  for (const s of c.special) await makeSpecial(inv, s);
  if (c.uid !== undefined) await chmod(dir, 0o755);
  return dir;
}

export interface CaseRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly guard: { connects: string[]; spawns: string[] } | undefined;
}

/** Run the CLI on the prepared case; kills it (by its pid) after KILL_AFTER_MS. */
export function runCase(c: BadInputCase, dir: string): Promise<CaseRun> {
  const inv = join(dir, 'inv');
  const args = c.args.map((a) => a.replaceAll('{inv}', inv));
  const invArgs = c.inventory === null ? [] : ['-i', c.inventory === '.' ? inv : join(inv, c.inventory)];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CAPSTAN_|ANSIBLE_|KUBECONFIG$|SSH_AUTH_SOCK$)/.test(k)));
  const child = spawn(NODE, [`--max-old-space-size=${MEMORY_CAP_MB}`, '--import', GUARD, '--import', './lib/cli/compile-cache.mjs',
    'lib/cli/play.ts', ...invArgs, ...args], {
    cwd: PROJECT_DIR, env: { ...env, HOME: dir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    ...(c.uid !== undefined ? { uid: c.uid, gid: c.uid } : {}),
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
  const pid = child.pid;
  const timer = setTimeout(() => { if (pid) process.kill(pid, 'SIGKILL'); }, KILL_AFTER_MS);
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith('OFFLINE-GUARD '));
      const guard = line ? JSON.parse(line.slice('OFFLINE-GUARD '.length)) as CaseRun['guard'] : undefined;
      done({ code, signal, guard, output: output.replace(/\n?OFFLINE-GUARD .*\n?/, '') });
    });
  });
}

/** Every path under dir, to show the run wrote nothing into the inventory. */
export async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => join(e.parentPath, e.name).slice(dir.length)).sort();
}
