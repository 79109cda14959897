/**
 * The host lock: one lock file per host (capstan_lock_path), taken when a run first connects to
 * the host and held until the run closes its connection. A second run waits up to
 * capstan_lock_timeout seconds, saying who holds it, then fails naming the holder; a lock left
 * by a run that died is taken over and reported; a second host of the same run on the same machine
 * shares it (reentrant). --check only reads it. See host-script.ts for
 * the shell side and docs/reliability.md.
 */
import { posix } from 'node:path';
import { ConnectionError, LockError } from '../errors.ts';
import { raw, sh } from '../shell.ts';
import type { Transport } from '../transport/types.ts';
import { describeHolder, type RunIdentity } from './identity.ts';
import { ACQUIRE_SCRIPT, RELEASE_SCRIPT } from './host-script.ts';
import type { LockSettings } from './vars.ts';

export interface HostHolder {
  id?: string;
  owner?: string;
  pid?: string;
  started?: string;
  controller_pid?: string;
  alive?: string;
}

export interface HeldHostLock {
  /** The pid of the holder process on the host. */
  readonly holderPid: string;
  release(): Promise<void>;
}

/** The `key=value` lines between a `capstan-lock: <tag>` line and `capstan-lock: end`. */
export function lockBlock(stdout: string, tag: string): HostHolder | undefined {
  const lines = stdout.split('\n');
  const start = lines.indexOf(`capstan-lock: ${tag}`);
  if (start < 0) return undefined;
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line === 'capstan-lock: end') break;
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out as HostHolder;
}

const holderText = (h: HostHolder, host: string) => describeHolder({ ...h, where: host });

function env(run: RunIdentity, s: LockSettings, mode: 'take' | 'read', watch: string): Record<string, string> {
  return {
    CAPSTAN_LOCK: s.capstan_lock_path, CAPSTAN_LOCK_DIR: posix.dirname(s.capstan_lock_path), CAPSTAN_LOCK_MODE: mode, CAPSTAN_LOCK_WAIT: String(s.capstan_lock_timeout),
    CAPSTAN_LOCK_WATCH: watch, CAPSTAN_RUN_ID: run.id, CAPSTAN_RUN_OWNER: run.owner,
    CAPSTAN_RUN_STARTED: run.started, CAPSTAN_RUN_PID: String(run.pid),
  };
}

export interface HostLockOptions {
  /** Shown on screen: who holds the lock while this run waits, a stale lock taken over. */
  say(message: string): void;
  signal?: AbortSignal;
}

/** Waits for the held block to arrive on stdout, to say who holds the lock while the host waits. */
function heldWatcher(host: string, s: LockSettings, say: (m: string) => void): (chunk: string) => void {
  let seen = '';
  let told = false;
  return (chunk) => {
    seen += chunk;
    if (told || !seen.includes('capstan-lock: end')) return;
    told = true;
    const h = lockBlock(seen, 'held');
    if (h && s.capstan_lock_timeout > 0) say(`${host}: ${s.capstan_lock_path} is held by ${holderText(h, host)}; waiting up to ${s.capstan_lock_timeout}s (capstan_lock_timeout)`);
  };
}

/** Take this host's lock for the run; throws LockError when another run keeps it past the timeout. */
export async function takeHostLock(t: Transport, run: RunIdentity, s: LockSettings, o: HostLockOptions): Promise<HeldHostLock> {
  const watch = t.kind === 'local' ? String(process.pid) : '';
  const r = await t.run(sh`${raw(ACQUIRE_SCRIPT)}`, {
    // the script bounds its waits (flock -w capstan_lock_timeout): no `timeout` process on the host
    env: env(run, s, 'take', watch), timeoutMs: (s.capstan_lock_timeout + 30) * 1000, hostTimeout: false, onStdout: heldWatcher(t.host, s, o.say),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const held = lockBlock(r.stdout, 'held');
  if (r.code === 75 || r.timedOut) {
    const who = held ? holderText(held, t.host) : 'another run';
    throw new LockError(`${t.host}: ${s.capstan_lock_path} is held by ${who}${s.capstan_lock_timeout ? `; waited ${s.capstan_lock_timeout}s` : ''}; nothing was changed on this host`, {
      hint: 'let that run finish (or stop it) and run again; raise capstan_lock_timeout to wait longer. A lock of a run that died is taken over by itself.',
    });
  }
  const reentrant = r.code === 0 ? /^capstan-lock: reentrant (\d*)$/m.exec(r.stdout) : null;
  // Another host of this run on the same machine holds it: shared; that host lets it go.
  if (reentrant) return { holderPid: reentrant[1] ?? '', release: async () => {} };
  const acquired = /^capstan-lock: acquired (\d+)$/m.exec(r.stdout)?.[1];
  if (r.code !== 0 || !acquired) {
    throw new LockError(`${t.host}: could not take the lock ${s.capstan_lock_path} (exit ${r.code ?? 'killed'}): ${(r.stderr.trim() || r.stdout.trim()).slice(-400)}`, {
      hint: 'the lock file needs a writable directory (become, or set capstan_lock_path), flock(1) and tail(1) on the host',
    });
  }
  const stale = lockBlock(r.stdout, 'stale');
  if (stale?.id) {
    o.say(`${t.host}: took over the lock ${s.capstan_lock_path} left by ${holderText(stale, t.host)}: its holder is gone${stale.alive === 'yes' ? ' (that pid is in use again by another process)' : ''}`);
  }
  return {
    holderPid: acquired,
    async release() {
      let out;
      try {
        out = await t.run(sh`${raw(RELEASE_SCRIPT)}`, { env: env(run, s, 'take', watch), timeoutMs: 30_000, hostTimeout: false });
      } catch (err) {
        // The connection is gone: the holder ended with the session, and the lock with it.
        if (err instanceof ConnectionError) return;
        throw err;
      }
      if (out.code !== 0) throw new LockError(`${t.host}: releasing ${s.capstan_lock_path} failed (exit ${out.code ?? 'killed'}): ${out.stderr.trim()}`);
    },
  };
}

/** --check: who holds this host's lock now, or undefined when nobody does. Writes nothing. */
export async function readHostLock(t: Transport, run: RunIdentity, s: LockSettings): Promise<string | undefined> {
  const r = await t.run(sh`${raw(ACQUIRE_SCRIPT)}`, { env: env(run, s, 'read', ''), timeoutMs: 30_000, hostTimeout: false });
  if (r.code !== 0) throw new LockError(`${t.host}: could not read the lock ${s.capstan_lock_path} (exit ${r.code ?? 'killed'}): ${r.stderr.trim()}`);
  const held = lockBlock(r.stdout, 'held');
  return held ? holderText(held, t.host) : undefined;
}
