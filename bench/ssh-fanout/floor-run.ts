/**
 * `node floor-run.ts LAB_DIR`: the floor mode. floor.sh to every host of the lab at once, each
 * over one plain `ssh` connection (no ControlMaster); prints "<host> changed=K" per host and
 * exits non-zero if any host failed.
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const labDir = process.argv[2];
if (!labDir) throw new Error('usage: floor-run.ts LAB_DIR');
const script = join(import.meta.dirname, 'floor.sh');
const hosts = readFileSync(join(labDir, 'hosts.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]);

const results = await Promise.all(hosts.map(([name, ip]) => new Promise<string>((resolve) => {
  const child = spawn('ssh', ['-F', join(labDir, 'ssh_config'), '-o', 'ControlMaster=no', name, 'sh', '-s', '--', name, ip], {
    stdio: [openSync(script, 'r'), 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.once('close', (code) => resolve(code === 0 ? `${name} ${out.trim()}` : `${name} FAILED (exit ${code})`));
})));
console.log(results.join('\n'));
process.exitCode = results.some((r) => r.includes('FAILED')) ? 1 : 0;
