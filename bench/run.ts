/**
 * `npm run bench` lists the benchmarks; `npm run bench -- <name> [args]` runs one, `npm run bench
 * -- all` runs every one with its `all` arguments. Each prints its own figures (tables of medians
 * and ratios); none is part of `npm test`. What a bench prints on stdout also goes into
 * bench/RESULTS.md, as the section of that command line (replaced when it runs again), headed by the date, the
 * machine and its load average before and after: the machine is shared, so only ratios within
 * one run mean anything.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection, machineLine, loadLine } from './results.ts';

const here = dirname(fileURLToPath(import.meta.url));

interface Bench { file: string; what: string; all: string[]; root?: true }

const benches: Record<string, Bench> = {
  'ssh-fanout': { file: 'ssh-fanout/run.ts', root: true, all: ['--hosts', '20,100', '--runs', '1'], what: 'capstan vs pyinfra, Ansible (venv and Debian; default, pipelining), Mitogen and a plain-ssh floor on lab hosts (root)' },
  readiness: { file: 'readiness.ts', root: true, all: ['--runs', '20'], what: 'status write accepted → capstan\'s wait returns, on the real control plane (root)' },
  'inventory-load': { file: 'inventory-load.ts', all: ['--hosts', '10000', '--groups', '200', '--runs', '3'], what: 'load, resolve and validate N hosts in G groups (default 1,000 / 50), and ansible-inventory on the same files' },
  'cli-start': { file: 'cli-start.ts', all: [], what: '`capstan --version` through bin/capstan.js: wall and CPU' },
  'lb-config': { file: 'lb-config.ts', all: [], what: 'HAProxy + AS3 + tmsh generation time for 250 to 1,000 nodes x 20 services' },
  validate: { file: 'validate.ts', all: [], what: 'validation of every role var on a large inventory' },
  'unit-suite': { file: 'unit-suite.ts', all: [], what: '`vitest run --project unit` (no lab, cluster or helm): wall, CPU, counts, slowest files' },
  site: { file: 'site/run.ts', root: true, all: ['--runs', '3'], what: 'the full site playbook on a lab (3 k3s servers, 2 agents, 1 LB host, every cluster role) on the real control plane: first run, no-op with its time breakdown (root)' },
  'istio-vs-ansible': { file: 'istio-vs-ansible/run.ts', root: true, all: ['--runs', '3', '--helm', '3,4'], what: 'metallb+istio: capstan vs kubernetes.core (venv) with helm 3 and 4 on the real control plane, the real charts, kwok pod stages pinned (root)' },
};

/** Runs one bench; its stdout is echoed and returned, its stderr (progress) passes through. */
function runOne(bench: Bench, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(here, bench.file), ...args], { stdio: ['inherit', 'pipe', 'inherit'] });
    // Ctrl-C reaches the bench too (and `kill -INT` of this process is passed on): the bench tears
    // its lab down and exits; this process waits for it and still records what it printed.
    const relay = (signal: NodeJS.Signals) => { child.kill(signal); };
    process.on('SIGINT', relay);
    process.on('SIGTERM', relay);
    child.once('close', () => { process.off('SIGINT', relay); process.off('SIGTERM', relay); });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { stdout += d; process.stdout.write(d); });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout }));
  });
}

async function record(name: string, args: readonly string[]): Promise<number> {
  const bench = benches[name]!;
  if (bench.root && process.getuid?.() !== 0) {
    console.error(`${name}: needs root (sudo npm run bench -- ${name}); not run`);
    return 1;
  }
  const started = new Date();
  const loadBefore = loadLine();
  const t0 = performance.now();
  const { code, stdout } = await runOne(bench, args);
  const header = [
    `Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${((performance.now() - t0) / 1000).toFixed(0)} s: ` +
      `\`npm run bench -- ${[name, ...args].join(' ')}\`${code === 0 ? '' : ` (exit ${code})`}`,
    `Machine: ${machineLine()}. Load average before: ${loadBefore}; after: ${loadLine()}.`,
  ];
  // one section per command line: a 100-host run does not replace a 20-host one
  writeSection(join(here, 'RESULTS.md'), [name, ...args].join(' '), bench.what, header, stdout);
  return code;
}

const [name, ...args] = process.argv.slice(2);
if (name === 'all') {
  let worst = 0;
  for (const [n, b] of Object.entries(benches)) {
    console.log(`\n## ${n}\n`);
    worst = Math.max(worst, await record(n, [...b.all, ...args]));
  }
  process.exit(worst);
}
if (name === undefined || !Object.hasOwn(benches, name)) {
  if (name !== undefined) console.error(`unknown benchmark ${name}`);
  console.log('npm run bench -- <name> [args]   (all: every one, figures into bench/RESULTS.md)\n');
  for (const [n, b] of Object.entries(benches)) console.log(`  ${n.padEnd(18)} ${b.what}`);
  process.exit(name === undefined ? 0 : 5);
}
process.exit(await record(name, args));
