/**
 * `capstan --version` start-up time: the installed command, bin/capstan.js, started by the Node on
 * PATH (under npm run and npx the pinned Node 24, which answers itself) and by the machine's Node
 * (which starts the pinned Node for the answer); lib/cli/main.ts on the pinned Node without the
 * launcher; and a bare `node -e 0` of each Node for scale.
 * Run: npm run bench -- cli-start [--runs 15]. Target: `capstan --version` ≤ 150 ms.
 * Wall and CPU (user+sys of the process tree, GNU time) per run; medians and p95.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
if (!(runs > 0 && runs <= 200)) throw new Error('--runs takes 1 to 200');

const PROJECT = join(import.meta.dirname, '..');
const PINNED = join(PROJECT, 'node_modules', 'node', 'bin', 'node');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-bench-cli-'));

const SYSTEM_NODE = '/usr/bin/node';
const cases: [string, string[]][] = [
  // under npm run (and npx capstan), `node` on PATH is the pinned Node: the launcher answers itself
  ['capstan --version (node bin/capstan.js --version)', ['node', join(PROJECT, 'bin', 'capstan.js'), '--version']],
  // started by the machine's Node (Debian's 20), the launcher starts the pinned Node for the answer
  ...(existsSync(SYSTEM_NODE) ? [[`capstan --version on the machine's Node (${SYSTEM_NODE} bin/capstan.js --version)`, [SYSTEM_NODE, join(PROJECT, 'bin', 'capstan.js'), '--version']] as [string, string[]]] : []),
  ['pinned node lib/cli/main.ts --version (no launcher)', [PINNED, '--import', join(PROJECT, 'lib/cli/compile-cache.mjs'), join(PROJECT, 'lib/cli/main.ts'), '--version']],
  ['node -e 0 (Node on PATH)', ['node', '-e', '0']],
  ['node -e 0 (pinned Node 24)', [PINNED, '-e', '0']],
];

function once(argv: string[], i: number): { wall: number; cpu: number } {
  const timeFile = join(tmp, `t${i}`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, ...argv], { cwd: PROJECT, encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const [u = 0, s = 0] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: (u + s) * 1000 };
}

const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!; };

try {
  for (const [, argv] of cases) once(argv, -1); // warm the page cache and Node's compile cache
  const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    cases.forEach(([, argv], c) => { const r = once(argv, i); samples[c]!.wall.push(r.wall); samples[c]!.cpu.push(r.cpu); }); // interleaved
  }
  console.log(`start-up, ${runs} runs each, interleaved (wall includes waiting for a CPU on a loaded machine; CPU does not)\n`);
  console.log('| command | median wall ms | p95 wall ms | median CPU ms | target |\n|---|---|---|---|---|');
  cases.forEach(([label], c) => {
    const s = samples[c]!;
    const target = c === 0 ? (q(s.wall, 0.5) <= 150 ? 'met (≤ 150 ms)' : 'NOT met (≤ 150 ms)') : '';
    console.log(`| ${label} | ${q(s.wall, 0.5).toFixed(0)} | ${q(s.wall, 0.95).toFixed(0)} | ${q(s.cpu, 0.5).toFixed(0)} | ${target} |`);
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
