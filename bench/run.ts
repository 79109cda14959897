/**
 * `npm run bench` lists the benchmarks; `npm run bench -- <name> [args]` runs one. Each prints its
 * own figures (tables of medians and ratios); none is part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const benches: Record<string, { file: string; what: string }> = {
  'ssh-fanout': { file: 'ssh-fanout/run.ts', what: 'capstan vs Ansible (default, pipelining), Mitogen and a plain-ssh floor on lab hosts (root)' },
  'istio-vs-ansible': { file: 'istio-vs-ansible/run.ts', what: 'metallb+istio: capstan vs kubernetes.core.helm on the API simulator with the real charts' },
  'lb-config': { file: 'lb-config.ts', what: 'HAProxy + AS3 + tmsh generation time for 250 to 1,000 nodes x 20 services' },
  'inventory-load': { file: 'inventory-load.ts', what: 'load, resolve and validate 1,000 hosts in 50 groups (and ansible-inventory on the same files)' },
  validate: { file: 'validate.ts', what: 'validation of every role var on a large inventory' },
};

const [name, ...args] = process.argv.slice(2);
const bench = name === undefined ? undefined : benches[name];
if (!bench) {
  if (name !== undefined) console.error(`unknown benchmark ${name}`);
  console.log('npm run bench -- <name> [args]\n');
  for (const [n, b] of Object.entries(benches)) console.log(`  ${n.padEnd(18)} ${b.what}`);
  process.exit(name === undefined ? 0 : 5);
}
const r = spawnSync(process.execPath, [join(here, bench.file), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
