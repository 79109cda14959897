/**
 * `npm run lab -- up N [--prefix node]` | `down [ID]` | `status` | `reset [ID]`: the lab for people.
 * `up` keeps the hosts after it exits (a persistent lab); `down` without an ID removes every
 * persistent lab and every lab whose owner process is gone.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from './lab.ts';
import { cleanupStaleLabs, listLabs, teardownState } from './lab-state.ts';
import { isAlive } from './lab-sys.ts';

const USAGE = 'usage: npm run lab -- up N [--prefix NAME] | down [ID] | status';

async function up(args: string[]): Promise<void> {
  const n = Number(args[0]);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`${USAGE}\n  N must be 1..100 (got ${args[0] ?? 'nothing'})`);
  const prefixAt = args.indexOf('--prefix');
  const prefix = prefixAt >= 0 ? args[prefixAt + 1] : undefined;
  const t0 = Date.now();
  const lab = await startLab({ hosts: n, persistent: true, name: 'cli', ...(prefix ? { hostNamePrefix: prefix } : {}) });
  console.log(`lab ${lab.id}: ${n} host(s) up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  for (const h of lab.hosts) console.log(`  ${h.name.padEnd(10)} ${h.ip}`);
  console.log(`inventory:   ${lab.inventoryDir}`);
  console.log(`ssh:         ssh -F ${join(lab.dir, 'ssh_config')} ${lab.hosts[0]?.name} true`);
  console.log(`tear down:   npm run lab -- down ${lab.id}`);
}

function down(args: string[]): void {
  const stale = cleanupStaleLabs();
  for (const id of stale) console.log(`removed stale lab ${id}`);
  for (const state of listLabs()) {
    if (args[0] ? state.id !== args[0] : !state.persistent) continue;
    teardownState(state);
    console.log(`removed lab ${state.id}`);
  }
}

function status(): void {
  const labs = listLabs();
  if (labs.length === 0) console.log('no labs');
  for (const s of labs) {
    const owner = s.persistent ? 'persistent' : `owner pid ${s.ownerPid}${isAlive(s.ownerPid) ? '' : ' (dead: stale)'}`;
    const name = readFileSync(join(s.dir, 'name'), 'utf8').trim();
    console.log(`${s.id} (${name}, ${owner}) ${s.subnet}.0/24 bridge ${s.bridge}`);
    for (const h of s.hosts) console.log(`  ${h.name.padEnd(10)} ${h.ip.padEnd(14)} sshd ${h.sshdPid && isAlive(h.sshdPid) ? `pid ${h.sshdPid}` : 'DOWN'}`);
  }
}

/** `lab up|down|status` (also `capstan lab ...`); returns the exit code. */
export async function labMain(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'up') await up(rest);
    else if (command === 'down') down(rest);
    else if (command === 'status') status();
    else {
      console.error(USAGE);
      return 2;
    }
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await labMain(process.argv.slice(2));
