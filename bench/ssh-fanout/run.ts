/**
 * SSH fan-out benchmark (run as root; not part of npm test):
 *
 *   npx node bench/ssh-fanout/run.ts [--hosts 10,20] [--runs 3] [--modes capstan,floor,...] [--kinds first,noop]
 *
 * For each host count: one lab (lib/lab/lab.ts), then every mode round-robin (interleaved,
 * so drift in machine load hits all alike): `runs` first runs, each after wiping the hosts'
 * private dirs, then `runs` no-op reruns (with `--kinds noop` alone, one untimed capstan run
 * converges the hosts first). ssh ControlMaster sockets are closed before every run.
 * Prints medians and the no-op ratios; raw data in /tmp/capstan-bench/ssh-fanout-<time>/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from '../../lib/lab/lab.ts';
import { closeMasters, measure, MODES, writeAnsibleConfig, writePyinfraInventory, type Mode, type Outcome } from './modes.ts';
import { summarize, type Row } from './summary.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10,20' },
    runs: { type: 'string', default: '3' },
    modes: { type: 'string', default: MODES.join(',') },
    kinds: { type: 'string', default: 'first,noop' },
  },
});
const hostCounts = values.hosts.split(',').map(Number);
const runs = Number(values.runs);
const modes = values.modes.split(',') as Mode[];
const kinds = values.kinds.split(',') as ('first' | 'noop')[];
if (kinds.some((k) => k !== 'first' && k !== 'noop')) throw new Error('--kinds takes first and/or noop');
const unknown = modes.filter((m) => !(MODES as readonly string[]).includes(m));
if (unknown.length) throw new Error(`unknown mode(s) ${unknown.join(', ')}; known: ${MODES.join(', ')}`);
if (process.getuid?.() !== 0) throw new Error('run as root (the lab needs network namespaces)');

const resultsDir = join('/tmp/capstan-bench', `ssh-fanout-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(resultsDir, { recursive: true });
const rows: Row[] = [];
const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

function record(mode: Mode, hosts: number, kind: 'first' | 'noop', run: number, o: Outcome): void {
  rows.push({ mode, hosts, kind, run, ...o });
  log(`${mode.padEnd(19)} n=${String(hosts).padEnd(3)} ${kind.padEnd(5)} #${run} ${o.wallS.toFixed(2).padStart(6)}s ctl-cpu ${o.ctlCpuS.toFixed(2)}s sys-cpu ${o.sysCpuS.toFixed(2)}s ok=${o.verified}`);
}

for (const n of hostCounts) {
  const t0 = performance.now();
  const lab = await startLab({ hosts: n, name: 'ssh-fanout-bench' });
  log(`lab ${lab.id}: ${n} hosts up in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  const setup = { lab, resultsDir, ansibleCfg: writeAnsibleConfig(lab, resultsDir), pyinfraInventory: writePyinfraInventory(lab, resultsDir), compileCache: join(resultsDir, 'node-compile-cache') };
  try {
    if (!kinds.includes('first')) {
      const converge = await measure('capstan', setup, 'first', `converge-n${n}`);
      log(`untimed converge run (capstan) before the no-op runs: ok=${converge.verified}`);
    }
    for (const kind of kinds) {
      for (let r = 1; r <= runs; r++) {
        for (const mode of modes) {
          if (kind === 'first') await lab.reset();
          await closeMasters(lab);
          record(mode, n, kind, r, await measure(mode, setup, kind, `${mode}-n${n}-${kind}-${r}`));
        }
      }
    }
  } finally {
    await closeMasters(lab);
    await lab.down();
  }
}

const summary = summarize(rows, modes);
writeFileSync(join(resultsDir, 'runs.json'), JSON.stringify(rows, null, 2));
writeFileSync(join(resultsDir, 'summary.md'), summary);
console.log(summary);
log(`raw data: ${resultsDir}`);
