// The runner's prefetch (lib/runner/prefetch.ts): tasks that declare their reads are read in one
// command per host; a change anywhere, or a task without reads, makes the next probes read the
// host again (COUNTING local transports, one per inventory host, all on this machine).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory, resolveHost } from '../../../lib/inventory/index.ts';
import type { RunEvent } from '../../../lib/report/events.ts';
import { runPlaybook } from '../../../lib/runner/index.ts';
import { countingTransport } from '../../support/counting-transport.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const fixtures = resolve(projectDir, 'test/fixtures/runner');
const dir = mkdtempSync(join(tmpdir(), 'capstan-runner-prefetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One run of the reads playbook on n1..n4; the commands each host's transport sent (the run lock's left out). */
async function run(vars: Record<string, unknown>, o: { check?: boolean } = {}) {
  const inventory = await loadInventory(resolve(fixtures, 'inventory', 'multi'), { projectDir });
  const sent = new Map<string, string[]>();
  const events: RunEvent[] = [];
  const opened: string[] = [];
  let openedAtPlayStart: string[] | undefined;
  const outcome = await runPlaybook({
    projectDir, playbook: resolve(fixtures, 'playbooks/reads.ts'),
    source: { inventory, resolve: (h, ro) => resolveHost(inventory, h, ro) },
    extraVars: [{ source: '-e', vars }], check: o.check ?? false,
    reporter: { emit: (e) => { if (e.type === 'play_start') openedAtPlayStart ??= [...opened]; events.push(e); } },
    openTransport: async (host) => {
      opened.push(host.name);
      const c = countingTransport(host.name);
      sent.set(host.name, c.sent);
      return c.t;
    },
  });
  const commands = (host: string) => (sent.get(host) ?? []).filter((text) => !text.includes('CAPSTAN_LOCK'));
  const status = (task: string, host: string) => {
    const e = events.find((x) => x.type === 'task_result' && x.task === task && x.host === host);
    return e?.type === 'task_result' ? e.status : undefined;
  };
  return { outcome, commands, status, openedAtPlayStart };
}

describe('runner prefetch', () => {
  it('a no-op run of tasks that declare their reads makes one remote command per host', async () => {
    const vars = { reads_dir: join(dir, 'noop') };
    const first = await run(vars);
    expect(first.outcome.exitCode).toBe(0);
    expect(first.status('file', 'n1')).toBe('changed');
    const again = await run(vars);
    expect(again.outcome.exitCode).toBe(0);
    // hosts whose tasks declare reads are connected at the run's start, all at once (as Task.usesHost)
    expect(again.openedAtPlayStart?.sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    for (const host of ['n1', 'n2', 'n3', 'n4']) {
      expect(['kernel', 'dir', 'file', 'line', 'shared'].map((t) => again.status(t, host))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(again.commands(host), again.commands(host).join('\n---\n')).toHaveLength(1);
    }
  });

  it('--check reads once per host and writes nothing: the real run after it still changes', async () => {
    const vars = { reads_dir: join(dir, 'check') };
    const check = await run(vars, { check: true });
    expect(check.status('file', 'n2')).toBe('changed');
    expect(check.commands('n2')).toHaveLength(1);
    const real = await run(vars);
    expect(real.status('file', 'n2')).toBe('changed');
  });

  it('a task that declares no reads ends the stretch: the tasks after it are read again', async () => {
    const vars = { reads_dir: join(dir, 'break'), reads_break: true };
    await run(vars);
    const again = await run(vars);
    // the first stretch, the plain task's own command, then the stretch after it
    expect(again.commands('n3').map((c) => (c.includes('echo plain') ? 'plain' : c.includes('__capstan_facts_') ? 'prefetch' : c))).toEqual(['prefetch', 'plain', 'prefetch']);
    expect(again.status('shared', 'n3')).toBe('ok');
  });

  it('after a task in which one host changed something, every host reads again (two inventory names may be one machine)', async () => {
    // n1 alone writes `shared` in its own task; n2-n4 had prefetched `shared` as absent before it
    const vars = { reads_dir: join(dir, 'alias') };
    await run(vars);
    rmSync(join(dir, 'alias', 'shared'));
    const again = await run({ ...vars, reads_writer: '{{ inventory_hostname == "n1" }}' });
    expect(again.status('write shared', 'n1')).toBe('changed');
    expect(again.status('write shared', 'n2')).toBeUndefined();
    for (const host of ['n1', 'n2', 'n3', 'n4']) expect(again.status('shared', host)).toBe('ok');
  });
});
