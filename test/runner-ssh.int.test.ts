// The runner end to end over real SSH (lib/transport/ssh.ts) on two lab hosts (network
// namespaces with their own sshd, created by this test): the fixture echo role, idempotence,
// and a host whose sshd is gone reported unreachable while the other goes on.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playMain } from '../lib/cli/play.ts';
import { useLab } from './support/lab-vitest.ts';

const projectDir = resolve(import.meta.dirname, '..');
const playbook = resolve(import.meta.dirname, 'fixtures/runner/playbooks/echo.ts');
const lab = useLab({ hosts: 2, name: 'runner-ssh', groups: { nodes: ['node1', 'node2'] } });

async function play(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  const code = await playMain(['-i', lab().inventoryDir, '--playbook', playbook, '-e', 'echo_dir=/opt/capstan-echo', ...argv], io);
  return { code, stdout, stderr };
}

describe('runner over SSH', () => {
  it('runs the role on every host, then changes nothing the second time', async () => {
    const first = await play();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/changed: \[node1\]/);
    for (const h of lab().hosts) {
      expect(readFileSync(join(h.fsDir, 'opt/capstan-echo', `${h.name}.txt`), 'utf8')).toBe('hello');
    }
    const second = await play();
    expect(second.stdout).toMatch(/node1 +: ok=2    changed=0 /);
    expect(second.stdout).toMatch(/node2 +: ok=2    changed=0 /);
  });

  it('marks a host without sshd unreachable, goes on with the other, exits 4', async () => {
    await lab().stopSshd('node2');
    try {
      const r = await play('-e', 'echo_message=again');
      expect(r.code).toBe(4);
      expect(r.stdout).toMatch(/unreachable: \[node2\]/);
      expect(r.stdout).toMatch(/node1 +: ok=2    changed=1 /);
      expect(r.stdout).toMatch(/node2 +: ok=0    changed=0    unreachable=1 /);
      const node2 = lab().hosts.find((h) => h.name === 'node2')!;
      expect(readFileSync(join(node2.fsDir, 'opt/capstan-echo/node2.txt'), 'utf8')).toBe('hello');
      expect(existsSync(join(lab().hosts[0]!.fsDir, 'opt/capstan-echo/node1.txt'))).toBe(true);
    } finally {
      await lab().startSshd('node2');
    }
  });
});
