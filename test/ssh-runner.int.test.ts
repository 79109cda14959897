// The runner over real SSH to lab hosts (root).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../lib/errors.ts';
import { loadInventory, resolveHost } from '../lib/inventory/index.ts';
import type { RunEvent } from '../lib/report/events.ts';
import { runPlaybook, type PlaybookRunOptions } from '../lib/runner/index.ts';
import { connectionSpec } from '../lib/transport/connection.ts';
import { openSshTransport } from '../lib/transport/ssh.ts';
import type { Transport } from '../lib/transport/types.ts';
import { pollUntil } from '../lib/lab/lab-sys.ts';
import { useLab } from './support/lab-vitest.ts';

const projectDir = join(import.meta.dirname, '..');
const lab = useLab({ hosts: 4, name: 'ssh-runner-test', hostNamePrefix: 'sr' });

async function play(playbook: string, extra: Partial<PlaybookRunOptions> = {}) {
  const inventory = await loadInventory(lab().inventoryDir, { projectDir });
  const events: RunEvent[] = [];
  const outcome = await runPlaybook({
    projectDir, playbook: join(projectDir, 'test/fixtures/ssh', playbook),
    source: { inventory, resolve: (h, o) => resolveHost(inventory, h, o) },
    reporter: { emit: (e) => events.push(e) }, ...extra,
  });
  return { outcome, events };
}

describe('SSH through the runner', () => {
  it('a host whose sshd dies mid-run is unreachable, the others finish, exit code 4', async () => {
    const running = play('playbook.ts');
    await pollUntil('the slow task to run on sr3', async () =>
      ((await lab().exec('sr3', ['pgrep', '-f', 'sleep 0.77'], { allowFail: true })).stdout.trim() ? true : undefined), 15_000, 10);
    await lab().stopSshd('sr3');
    const { outcome } = await running;
    await lab().startSshd('sr3');
    expect(outcome.exitCode).toBe(ExitCode.hostUnreachable);
    expect(outcome.hosts.sr3).toMatchObject({ unreachable: 1, failed: 0 });
    for (const h of ['sr1', 'sr2', 'sr4']) expect(outcome.hosts[h]).toMatchObject({ ok: 3, changed: 1, unreachable: 0, failed: 0 });
    for (const h of ['sr1', 'sr2', 'sr4']) expect((await lab().exec(h, ['cat', '/opt/after.txt'])).stdout).toBe(`${h}\n`);
    expect((await lab().exec('sr3', ['ls', '/opt'])).stdout).not.toContain('after.txt');
  }, 180_000);

  it('honours --forks: at most N hosts run a task at once, and all of them with forks = hosts', async () => {
    const measureWith = async (forks: number) => {
      let now = 0;
      let max = 0;
      const openTransport: PlaybookRunOptions['openTransport'] = async (host, o) => {
        const t = await openSshTransport(connectionSpec(host.name, host.vars), o);
        const counted: Transport = {
          ...t,
          run: async (cmd, ro) => {
            // the run lock's own commands (taken at connect, let go at close) are not tasks: forks do not bound them
            if (cmd.text.includes('capstan-lock')) return t.run(cmd, ro);
            max = Math.max(max, ++now);
            try { return await t.run(cmd, ro); } finally { now--; }
          },
        };
        return counted;
      };
      const { outcome, events } = await play('forks.ts', { forks, openTransport });
      const failed = events.filter((e) => e.type === 'task_result' && e.status !== 'ok').map((e) => JSON.stringify(e));
      expect(outcome.exitCode, failed.join('\n')).toBe(ExitCode.ok);
      return max;
    };
    expect(await measureWith(2)).toBe(2);
    expect(await measureWith(4)).toBe(4);
  }, 180_000);
});
