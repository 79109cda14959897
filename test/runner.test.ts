// The runner: play/task loop, ordering, forks, concurrent batches, failures, interrupts (fake transports).
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, InputError } from '../lib/errors.ts';
import { loadInventory, resolveHost } from '../lib/inventory/index.ts';
import type { RunEvent } from '../lib/report/events.ts';
import type { ClusterHandle } from '../lib/runner/context.ts';
import { runPlaybook } from '../lib/runner/index.ts';
import { orderRoles } from '../lib/runner/load.ts';
import type { Role } from '../lib/role.ts';
import type { PlaybookRunOptions } from '../lib/runner/index.ts';
import type { Cmd } from '../lib/shell.ts';
import { withMust } from '../lib/transport/must.ts';
import type { Transport } from '../lib/transport/types.ts';

const projectDir = resolve(import.meta.dirname, '..');
const fixtures = resolve(import.meta.dirname, 'fixtures/runner');
type Rec = { event: 'start' | 'end'; task: string; host: string; active: number };
const g = globalThis as unknown as { __probeLog?: Rec[]; __probeActive?: number };

async function source(name = 'multi') {
  const inventory = await loadInventory(resolve(fixtures, 'inventory', name), { projectDir });
  return { inventory, resolve: (h: string, o: Parameters<typeof resolveHost>[2]) => resolveHost(inventory, h, o) };
}

/** A transport that records opens and closes and connects to nothing (named fake on purpose); the run lock is always free. */
function fakeTransports() {
  const opened: string[] = [];
  const closed: string[] = [];
  const open = async (host: { name: string }): Promise<Transport> => {
    opened.push(host.name);
    return withMust({
      host: host.name, kind: 'local' as const,
      run: async (cmd: Cmd) => ({ code: 0, stdout: cmd.text.includes('capstan-lock: acquired') ? 'capstan-lock: acquired 1\n' : '', stderr: '', timedOut: false, durationMs: 0 }),
      put: async () => {}, get: async () => undefined,
      close: async () => { closed.push(host.name); },
    });
  };
  return { opened, closed, open };
}

async function play(tasks: unknown[], o: Partial<PlaybookRunOptions> = {}, extra: Record<string, unknown> = {}) {
  const events: RunEvent[] = [];
  const fake = fakeTransports();
  g.__probeLog = [];
  const outcome = await runPlaybook({
    projectDir, playbook: resolve(fixtures, 'playbooks/probe.ts'), source: await source(),
    extraVars: [{ source: '-e', vars: { probe_tasks: tasks, ...extra } }],
    reporter: { emit: (e) => events.push(e) }, openTransport: fake.open, ...o,
  });
  return { outcome, events, fake, log: g.__probeLog ?? [] };
}

const starts = (log: Rec[], task: string) => log.filter((r) => r.event === 'start' && r.task === task).map((r) => r.host);

beforeEach(() => {
  g.__probeLog = [];
  g.__probeActive = 0;
});

describe('runner', () => {
  it('runs dependencies first, then each task across all hosts before the next', async () => {
    const { outcome, log } = await play([{ name: 'a', work_ms: 2 }, { name: 'b' }]);
    expect(outcome.exitCode).toBe(0);
    expect(log[0]?.task).toBe('second task');
    const lastA = log.map((r) => r.task === 'a' && r.event === 'end').lastIndexOf(true);
    const firstB = log.findIndex((r) => r.task === 'b');
    expect(lastA).toBeLessThan(firstB);
    expect(starts(log, 'b').sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(outcome.hosts.n1).toMatchObject({ ok: 3, changed: 2, failed: 0 });
  });

  it('runs each host\'s own task, built from that host\'s vars', async () => {
    const { events } = await play([{ name: 'a' }]);
    const msgs = Object.fromEntries(events.flatMap((e) => (e.type === 'task_result' && e.task === 'a' ? [[e.host, e.msg]] : [])));
    expect(msgs).toEqual({ n1: 'did a', n2: 'did a (n2 note)', n3: 'did a', n4: 'did a' });
  });

  it('bounds parallel hosts by forks', async () => {
    const { log } = await play([{ name: 'a', work_ms: 15 }], { forks: 2 });
    const max = Math.max(...log.filter((r) => r.task === 'a').map((r) => r.active));
    expect(max).toBe(2);
    const batch = await play([{ name: 'x', concurrent: true, work_ms: 15 }, { name: 'y', concurrent: true, work_ms: 15 }], { forks: 2 });
    // concurrent tasks share the forks: at most 2 hosts at once, each running both tasks side by side
    const hostsAt = (log: Rec[]) => { const on = new Map<string, number>(); let most = 0; for (const r of log.filter((x) => x.task === 'x' || x.task === 'y')) { on.set(r.host, (on.get(r.host) ?? 0) + (r.event === 'start' ? 1 : -1)); most = Math.max(most, [...on.values()].filter((n) => n > 0).length); } return most; };
    expect(hostsAt(batch.log)).toBe(2);
    expect(Math.max(...batch.log.filter((r) => r.task === 'x' || r.task === 'y').map((r) => r.active))).toBe(4);
    const all = await play([{ name: 'a', work_ms: 15 }]);
    expect(Math.max(...all.log.filter((r) => r.task === 'a').map((r) => r.active))).toBe(4);
  });

  it('runs runOnce tasks on the first host only, and reports skipReason as skipped', async () => {
    const { log, events } = await play([{ name: 'once', runOnce: true }, { name: 'skip me', skip: 'enable_x is false' }]);
    expect(starts(log, 'once')).toEqual(['n1']);
    const skipped = events.filter((e) => e.type === 'task_result' && e.task === 'skip me');
    expect(skipped).toHaveLength(4);
    expect(skipped[0]).toMatchObject({ status: 'skipped', msg: 'enable_x is false' });
  });

  it('runs concurrent tasks of one host side by side even with forks 1 (a host takes one slot)', async () => {
    const { log } = await play([
      { name: 'x', concurrent: true, runOnce: true, work_ms: 20 },
      { name: 'y', concurrent: true, runOnce: true, work_ms: 20 },
    ], { forks: 1 });
    const at = (event: string, task: string) => log.findIndex((r) => r.event === event && r.task === task);
    expect(at('start', 'y')).toBeLessThan(at('end', 'x'));
    expect(Math.max(...log.map((r) => r.active))).toBe(2);
  });

  it('runs adjacent concurrent tasks as a DAG by their after lists', async () => {
    const { log } = await play([
      { name: 'x', concurrent: true, runOnce: true, work_ms: 20 },
      { name: 'y', concurrent: true, runOnce: true, work_ms: 1 },
      { name: 'z', concurrent: true, runOnce: true, after: ['x', 'y'] },
    ]);
    const at = (event: string, task: string) => log.findIndex((r) => r.event === event && r.task === task);
    expect(at('start', 'y')).toBeLessThan(at('end', 'x')); // x and y overlap
    expect(at('start', 'z')).toBeGreaterThan(at('end', 'x'));
    expect(at('start', 'z')).toBeGreaterThan(at('end', 'y'));
  });

  it('rejects an after naming no earlier or batch task, cycles, and two tasks with one name', async () => {
    await expect(play([{ name: 'x', concurrent: true, after: ['nope'] }])).rejects.toThrow(/after: "nope"/);
    await expect(play([{ name: 'x' }, { name: 'x' }])).rejects.toThrow(/roles\/probe › x: two tasks of the role have this name/);
    await expect(play([{ name: 'x', concurrent: true, after: ['y'] }, { name: 'y', concurrent: true, after: ['x'] }])).rejects.toThrow(/waits on itself/);
    // An earlier task, done before the batch starts, is a valid `after` too.
    const ok = await play([{ name: 'w' }, { name: 'gap' }, { name: 'x', concurrent: true, runOnce: true, after: ['w'] }]);
    expect(ok.outcome.exitCode).toBe(0);
  });

  it('stops a failed host, goes on with the others, exits 2', async () => {
    const { outcome, log, events } = await play([{ name: 'a', fail_on: ['n2'] }, { name: 'b' }]);
    expect(outcome.exitCode).toBe(2);
    expect(starts(log, 'b').sort()).toEqual(['n1', 'n3', 'n4']);
    expect(outcome.hosts.n2).toMatchObject({ failed: 1 });
    const failed = events.find((e) => e.type === 'task_result' && e.status === 'failed');
    expect(failed).toMatchObject({ host: 'n2', msg: expect.stringContaining('probe a failed') });
  });

  it('marks a host unreachable on ConnectionError and exits 4', async () => {
    const { outcome, log } = await play([{ name: 'a', unreachable_on: ['n3'] }, { name: 'b' }]);
    expect(outcome.exitCode).toBe(4);
    expect(outcome.hosts.n3).toMatchObject({ unreachable: 1, failed: 0 });
    expect(starts(log, 'b')).not.toContain('n3');
  });

  it('selects tasks by tags and skip-tags (role tags plus task tags)', async () => {
    const tasks = [{ name: 'a' }, { name: 'check', tags: ['verify'] }, { name: 'hidden', tags: ['never', 'debug'] }];
    const verify = await play(tasks, { tags: ['verify'] });
    expect(verify.log.map((r) => r.task)).toEqual(['check', 'check', 'check', 'check'].flatMap((t) => [t, t]));
    const skipped = await play(tasks, { skipTags: ['probe'] });
    expect(skipped.log.every((r) => r.task === 'second task')).toBe(true);
    const debug = await play(tasks, { tags: ['debug'] });
    expect(new Set(debug.log.map((r) => r.task))).toEqual(new Set(['hidden']));
    const all = await play(tasks);
    expect(all.log.some((r) => r.task === 'hidden')).toBe(false);
  });

  it('applies --limit as a host pattern; a limit that leaves no host is an input error', async () => {
    const { log } = await play([{ name: 'a' }], { limit: 'agent:!n3' });
    expect(starts(log, 'a')).toEqual(['n2', 'n4']);
    await expect(play([{ name: 'a' }], { limit: 'nope' })).rejects.toThrow(/--limit: nope leaves no host in any play/);
  });

  it('leaves out, with one warning, a var no selected role reads that cannot be rendered', async () => {
    const { outcome, events } = await play([{ name: 'a' }]);
    expect(outcome.exitCode).toBe(0);
    const warnings = events.filter((e) => e.type === 'warning' && e.message.includes('unused_broken'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ message: expect.stringMatching(/group_vars\/all\.yml › unused_broken: .*no_such_var.*left out/) });
  });

  it('warns about a --tags entry no task has, with the nearest tag', async () => {
    const { events, log } = await play([{ name: 'a', tags: ['verify'] }], { tags: ['verfy'] });
    expect(log).toEqual([]);
    expect(events).toContainEqual({ type: 'warning', message: 'no task has the tag verfy; did you mean verify? (npm run play -- --list-tags)' });
  });

  it('opens a transport per host once, the cluster once, and closes them all', async () => {
    let opens = 0;
    let closes = 0;
    const fakeOpenCluster = async () => { opens++; return { close: async () => { closes++; } } as unknown as ClusterHandle; };
    const { fake } = await play([{ name: 'a', transport: true, cluster: true }, { name: 'b', transport: true }], { openCluster: fakeOpenCluster });
    expect(fake.opened.sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(fake.closed.sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect([opens, closes]).toEqual([1, 1]);
  });

  it('connects when the run starts to each host a usesHost task will run on, all at once; not to the others', async () => {
    const fake = fakeTransports();
    const endsAtOpen: number[] = [];
    const open: typeof fake.open = (host) => {
      endsAtOpen.push((g.__probeLog ?? []).filter((r) => r.event === 'end').length);
      return fake.open(host);
    };
    const { outcome } = await play([{ name: 'a', work_ms: 30 }, { name: 'b', transport: true, uses_host: true }], { openTransport: open });
    expect(outcome.exitCode).toBe(0);
    expect(endsAtOpen, 'every connect began before any task ended').toEqual([0, 0, 0, 0]);
    const skipped = await play([{ name: 'a' }, { name: 'b', uses_host: true, skip: 'not here' }]);
    expect(skipped.fake.opened, 'a usesHost task that is skipped connects nothing').toEqual([]);
  });

  it('a failed early connect is the first asking task\'s unreachable, from one attempt', async () => {
    const fake = fakeTransports();
    const open: typeof fake.open = async (host) => {
      if (host.name !== 'n3') return fake.open(host);
      fake.opened.push(host.name);
      throw new ConnectionError('n3', 'connection refused');
    };
    const { outcome, log } = await play([{ name: 'a' }, { name: 'b', transport: true, uses_host: true }, { name: 'c' }], { openTransport: open });
    expect(outcome.exitCode).toBe(4);
    expect(outcome.hosts.n3, 'task a ran there; b got the failed connect').toMatchObject({ changed: 1, unreachable: 1 });
    expect(starts(log, 'c')).not.toContain('n3');
    expect(fake.opened.filter((h) => h === 'n3')).toEqual(['n3']);
  });

  it('--plan opens nothing and prints describe() entries with resolved vars', async () => {
    let clusterOpens = 0;
    const { outcome, events, fake } = await play([{ name: 'a', transport: true, cluster: true }], {
      mode: 'plan', openCluster: async () => { clusterOpens++; throw new Error('no'); },
    });
    expect(outcome.exitCode).toBe(0);
    expect(fake.opened).toEqual([]);
    expect(clusterOpens).toBe(0);
    const plans = events.filter((e) => e.type === 'plan');
    expect(plans.map((p) => p.host)).toEqual(['n1', 'n2', 'n3', 'n4']);
    const probe = plans[0]!.roles.find((r) => r.role === 'probe')!;
    expect(probe.tasks[0]!.entries).toEqual([{ kind: 'note', text: 'probe a' }]);
    expect(probe.vars.probe_tasks!.source).toBe('-e');
  });

  it('stops on interrupt, closes transports, exits 99', async () => {
    const ac = new AbortController();
    const events: RunEvent[] = [];
    const fake = fakeTransports();
    const outcome = await runPlaybook({
      projectDir, playbook: resolve(fixtures, 'playbooks/probe.ts'), source: await source(), signal: ac.signal,
      extraVars: [{ source: '-e', vars: { probe_tasks: [{ name: 'a', transport: true }, { name: 'b' }] } }],
      reporter: { emit: (e) => { events.push(e); if (e.type === 'task_result' && e.task === 'a') ac.abort(); } },
      openTransport: fake.open,
    });
    expect(outcome.exitCode).toBe(99);
    expect(starts(g.__probeLog!, 'b')).toEqual([]);
    expect(fake.closed.sort()).toEqual(fake.opened.sort());
    expect(fake.opened.length).toBeGreaterThan(0);
  });

  it('skips a play whose when() gives a reason, and runs the next', async () => {
    const events: RunEvent[] = [];
    const outcome = await runPlaybook({
      projectDir, playbook: resolve(fixtures, 'playbooks/when.ts'), source: await source(), reporter: { emit: (e) => events.push(e) },
      extraVars: [{ source: '-e', vars: { skip_second: true } }], openTransport: fakeTransports().open,
    });
    expect(outcome.exitCode).toBe(0);
    expect(events.find((e) => e.type === 'play_start' && e.play === 'conditional play')).toMatchObject({ skipped: 'skip_second is true' });
    expect(starts(g.__probeLog!, 'second task')).toEqual(['n1']);
  });

  it('orders roles after their selected dependencies, keeps the rest in play order, and rejects cycles', () => {
    const role = (name: string, dependencies: string[] = []) => [name, { name, dependencies } as unknown as Role] as const;
    const roles = new Map([role('istio', ['metallb', 'k3s']), role('metallb', ['k3s']), role('k3s'), role('lb'), role('a', ['b']), role('b', ['a'])]);
    expect(orderRoles(['istio', 'lb', 'metallb'], roles)).toEqual(['metallb', 'istio', 'lb']); // k3s not selected: not pulled in
    expect(orderRoles(['istio', 'k3s', 'metallb'], roles)).toEqual(['k3s', 'metallb', 'istio']);
    expect(() => orderRoles(['a', 'b'], roles)).toThrow(/cycle: a → b → a/);
  });

  it('names the play and the role when a role is missing', async () => {
    const err = await runPlaybook({
      projectDir, playbook: resolve(fixtures, 'playbooks/missing.ts'), source: await source(),
      reporter: { emit: () => {} },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/play "broken play" uses role no-such-role/);
  });
});
