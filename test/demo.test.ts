// `npm run demo` end to end (root, Linux): the lab, the API simulator and the k3s STAND-IN, the full
// site playbook, requests through the deployed HAProxy answered by the stand-in on every node,
// the verify table, and a teardown that leaves no lab directory and no network namespace.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs the demo; `interruptWhen`: press Ctrl-C (SIGINT to its process group, as a terminal does) once the output matches it. */
function runDemo(interruptWhen?: RegExp): Promise<{ code: number | null; out: string; sincePressMs: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(projectDir, 'lib/cli/demo.ts')], { cwd: projectDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let pressedAt = 0;
    const take = (d: Buffer) => {
      out += d.toString();
      if (interruptWhen && !pressedAt && interruptWhen.test(out)) {
        pressedAt = Date.now();
        process.kill(-child.pid!, 'SIGINT');
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => { child.kill('SIGINT'); fail(new Error(`demo did not end in 240s:\n${out}`)); }, 240_000);
    child.once('exit', (code) => { clearTimeout(timer); done({ code, out, sincePressMs: pressedAt ? Date.now() - pressedAt : 0 }); });
  });
}

it('npm run demo: site playbook, traffic through HAProxy to the stand-in on every node, clean teardown', async () => {
  const { code, out } = await runDemo();
  expect(code, out).toBe(0);
  expect(out).toMatch(/PLAY RECAP/);
  const answers = out.match(/→ 200 k3s stand-in on (server1|agent1|agent2): GET \/ \(port 31080\)/g) ?? [];
  expect(answers).toHaveLength(6);
  expect(out).toMatch(/nodes reached through HAProxy\s+server1, agent1, agent2\s+ok/);
  expect(out).toMatch(/k3s nodes Ready \(simulator\)\s+3\/3\s+ok/);
  expectTornDown(out);
}, 250_000);

it('npm run demo: Ctrl-C while k3s installs stops the play and still tears everything down', async () => {
  const { code, out } = await runDemo(/TASK \[k3s : k3s first server/);
  expect(code, out).toBe(99);
  expect(out).toMatch(/interrupted/);
  expect(out).not.toMatch(/DEMO VERIFY/);
  expectTornDown(out);
}, 120_000);

// Ctrl-C at each phase of the demo (issue 17): each exits 99 promptly, with no crash and nothing left behind.
it.each([
  ['during lab start-up', /capstan demo: starting a lab/, 15_000],
  ['during Helm installs', /helm 3: upgrade --install/, 15_000],
  ['during the requests through HAProxy', /GET http:\/\/\S+ #1/, 15_000],
  ['during teardown', /tearing down the lab/, 15_000],
] as const)('npm run demo: Ctrl-C %s exits 99 promptly and leaves nothing behind', async (_phase, when, promptMs) => {
  const { code, out, sincePressMs } = await runDemo(when);
  expect(code, out).toBe(99);
  expect(sincePressMs, out).toBeLessThan(promptMs);
  expect(out).not.toMatch(/ENOENT|AbortError|internal error|Unhandled/);
  expectTornDown(out);
}, 250_000);

function expectTornDown(out: string): void {
  expect(out).toMatch(/tearing down the lab/);
  const labDir = /inventory: (\/\S+)\/k3s-inventory/.exec(out)?.[1];
  expect(labDir).toBeDefined();
  expect(existsSync(labDir!)).toBe(false);
  const id = labDir!.split('/').pop()!;
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`capstan-${id}-`);
}
