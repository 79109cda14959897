// A Helm-only role needs only its folder and one playbook line: the fixture role hello-helm, planned through the real runner with the sample inventory.
import { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
/** A playbook whose one play names the role (test/fixtures/roles/hello-helm: the folder is all the role is). */
const playbook = join(projectDir, 'test/fixtures/playbook-hello-helm.ts');

async function plan(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  const code = await playMain(['-i', 'sample', '--playbook', playbook, '--plan', '--json', ...argv], io);
  return { code, stderr, events: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>) };
}

let connects: ReturnType<typeof vi.spyOn>;
beforeEach(() => { connects = vi.spyOn(Socket.prototype, 'connect'); });
afterEach(() => { expect(connects).not.toHaveBeenCalled(); connects.mockRestore(); });

describe('a Helm-only role from its own folder', () => {
  it('plans its pinned release and ready wait, skipped with the reason while its platform var is off', async () => {
    const r = await plan();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const role = r.events.find((e) => e.type === 'plan')!.roles[0];
    expect(role.role).toBe('hello-helm');
    expect(role.vars.enable_observability).toEqual({ value: false, source: 'platform defaults (lib/vars/platform.ts)' });
    expect(role.tasks.map((t: any) => [t.name, t.skipReason])).toEqual([['hello release', 'enable_observability is false'], ['hello ready', 'enable_observability is false']]);
  });

  it('turned on: the Helm entry with its chart and version; its vars are validated like any role\'s', async () => {
    const r = await plan('-e', 'enable_observability=true');
    const task = r.events.find((e) => e.type === 'plan')!.roles[0].tasks[0];
    expect(task.entries[0]).toMatchObject({ kind: 'helm', release: 'hello', namespace: 'hello', chart: 'https://charts.example.invalid hello', version: '1.2.3' });
    const bad = await plan('-e', 'hello_version=latest');
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/hello_version/);
  });
});
