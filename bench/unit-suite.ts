/**
 * The unit project's wall time: `vitest run --project unit` (every test file not named
 * *.int.test.ts: no lab, cluster, helm, haproxy, Ansible or Chromium), once, with the CPU of the
 * whole process tree (GNU time), the test counts and the slowest files.
 * Run: npm run bench -- unit-suite. Target: ≤ 60 s on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const PROJECT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-bench-unit-'));

interface JsonReport {
  numTotalTests: number; numPassedTests: number; numFailedTests: number; numPendingTests: number;
  testResults: { name: string; startTime: number; endTime: number; status: string; message?: string; assertionResults: { fullName: string; status: string }[] }[];
}

try {
  const report = join(tmp, 'report.json');
  const timeFile = join(tmp, 'time');
  const vitest = join(PROJECT, 'node_modules', '.bin', 'vitest');
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, vitest, 'run', '--project', 'unit', '--reporter=json', `--outputFile=${report}`],
    { cwd: PROJECT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = (performance.now() - t0) / 1000;
  const [user = 0, sys = 0] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const j = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
  console.log(`vitest run --project unit: ${j.testResults.length} files, exit ${r.status}\n`);
  console.log('| wall s | CPU s (user + sys, every process) | cores | tests passed | failed | skipped | target ≤ 60 s |\n|---|---|---|---|---|---|---|');
  console.log(`| ${wall.toFixed(1)} | ${(user + sys).toFixed(1)} (${user.toFixed(1)} + ${sys.toFixed(1)}) | ${cpus().length} | ${j.numPassedTests} | ${j.numFailedTests} | ${j.numPendingTests} | ${wall <= 60 ? 'met' : 'NOT met'} |`);
  const files = j.testResults.map((f) => ({ name: relative(PROJECT, f.name), s: (f.endTime - f.startTime) / 1000 })).sort((a, b) => b.s - a.s);
  console.log('\n| slowest files (their tests\' wall s) | s |\n|---|---|');
  for (const f of files.slice(0, 8)) console.log(`| ${f.name} | ${f.s.toFixed(1)} |`);
  const failed = j.testResults.flatMap((f) => [
    ...(f.status === 'failed' && f.message ? [`${relative(PROJECT, f.name)}: ${f.message.split('\n')[0]}`] : []),
    ...f.assertionResults.filter((a) => a.status === 'failed').map((a) => `${relative(PROJECT, f.name)} › ${a.fullName}`),
  ]);
  if (failed.length) console.log(`\nfailed:\n${failed.map((f) => `- ${f}`).join('\n')}`);
  if (r.status !== 0) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
