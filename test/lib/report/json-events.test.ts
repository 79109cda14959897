// --json as a versioned event schema in every mode (run, --check, --plan, --list-*, a run that
// cannot start), each line validated against docs/events.schema.json with ajv; --json-log FILE
// next to the console; --check --detailed-exitcode (0 nothing to change, 6 changes pending,
// failures keep their codes). Runs the echo fixture on localhost (local transport, no network).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import { ExitCode } from '../../../lib/errors.ts';
import { EVENT_SCHEMA_VERSION } from '../../../lib/report/event-schema.ts';
import { invalidEvents } from '../../support/event-schema-check.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const fixtures = resolve(projectDir, 'test/fixtures/runner');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-json-events-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function play(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  const code = await playMain(argv, io);
  return { code, stdout, stderr };
}

const echo = (dir: string, ...more: string[]) => [
  '-i', resolve(fixtures, 'inventory/local'), '--playbook', resolve(fixtures, 'playbooks/echo.ts'), '-e', `echo_dir=${dir}`, ...more,
];
const events = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; version: number; exit_code?: number });

describe('--json: every mode emits versioned events that validate, ending with recap', () => {
  const dir = join(tmp, 'modes');
  const modes: [string, string[], number][] = [
    ['run', echo(dir), 0],
    ['--check --diff', echo(dir, '--check', '--diff'), 0],
    ['--plan', echo(dir, '--plan'), 0],
    ['--list-hosts', echo(dir, '--list-hosts'), 0],
    ['--list-tasks', echo(dir, '--list-tasks'), 0],
    ['--list-tags', echo(dir, '--list-tags'), 0],
    ['a failed host', echo(dir, '-e', 'echo_fail=true'), ExitCode.hostFailed],
    ['bad input', echo(dir, '-e', 'echo_nodeport=40000'), ExitCode.invalidInput],
    ['an unknown flag', ['--nope'], ExitCode.invalidInput],
  ];
  it.each(modes)('%s', async (_name, argv, code) => {
    const r = await play(...argv, '--json');
    expect(r.code, r.stderr).toBe(code);
    expect(invalidEvents(r.stdout)).toEqual([]);
    const all = events(r.stdout);
    expect(all.every((e) => e.version === EVENT_SCHEMA_VERSION)).toBe(true);
    expect(all.at(-1)).toMatchObject({ type: 'recap', exit_code: code });
    if (code !== ExitCode.invalidInput) expect(all[0]!.type).toBe('run_start');
  });

  it('--plan carries the plan and --list-tasks the tasks as data', async () => {
    const plan = events((await play(...echo(dir, '--plan', '--json'))).stdout);
    expect(plan.find((e) => e.type === 'plan')).toMatchObject({ host: 'localhost', roles: [{ role: 'echo' }] });
    const list = events((await play(...echo(dir, '--list-tasks', '--json'))).stdout);
    expect(list.find((e) => e.type === 'list')).toMatchObject({
      kind: 'tasks', plays: [{ name: 'echo play', hosts: ['localhost'], tasks: [{ role: 'echo', task: 'write file' }, { role: 'echo', task: 'run echo', tags: ['echo', 'fixture', 'verify'] }] }],
    });
  });
});

describe('--json-log FILE: console output and a JSON log at once', () => {
  it('the console prints as usual and the file gets every event, validated', async () => {
    const log = join(tmp, 'run.jsonl');
    const r = await play(...echo(join(tmp, 'log'), '--json-log', log));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PLAY RECAP/);
    expect(r.stdout).not.toMatch(/"type"/);
    const text = readFileSync(log, 'utf8');
    expect(invalidEvents(text)).toEqual([]);
    expect(events(text).map((e) => e.type)).toEqual(['run_start', 'play_start', 'task_start', 'task_result', 'task_end', 'task_start', 'progress', 'task_result', 'task_end', 'recap']);
  });

  it('appends (as Ansible\'s log_path does), and a run that cannot start is logged too', async () => {
    const log = join(tmp, 'twice.jsonl');
    await play(...echo(join(tmp, 'log2'), '--list-tags', '--json-log', log));
    const bad = await play(...echo(join(tmp, 'log2'), '-e', 'echo_nodeport=1', '--json-log', log));
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/echo_nodeport/);
    const all = events(readFileSync(log, 'utf8'));
    expect(all.filter((e) => e.type === 'recap').map((e) => e.exit_code)).toEqual([0, 5]);
    expect(all.at(-2)).toMatchObject({ type: 'error', exit_code: 5 });
  });

  it('a log file that cannot be written is bad input, before anything runs', async () => {
    const dir = join(tmp, 'never');
    const r = await play(...echo(dir, '--json-log', join(tmp, 'no/such/dir/run.jsonl')));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/--json-log: cannot write .*no\/such\/dir\/run\.jsonl/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('--check --detailed-exitcode', () => {
  it('6 while changes are pending, 0 once there is nothing to change; failures keep their codes', async () => {
    const dir = join(tmp, 'drift');
    const pending = await play(...echo(dir, '--check', '--detailed-exitcode'));
    expect(pending.code, pending.stdout).toBe(ExitCode.changesPending);
    expect(pending.code).toBe(6);
    expect(existsSync(join(dir, 'localhost.txt'))).toBe(false);
    expect((await play(...echo(dir, '--check'))).code).toBe(0); // without the flag: Ansible's 0
    expect((await play(...echo(dir))).code).toBe(0);
    const clean = await play(...echo(dir, '--check', '--detailed-exitcode', '--json'));
    expect(clean.code).toBe(0);
    expect(events(clean.stdout).at(-1)).toMatchObject({ type: 'recap', exit_code: 0 });
    const drifted = await play(...echo(dir, '--check', '--detailed-exitcode', '--json', '-e', 'echo_message=changed'));
    expect(drifted.code).toBe(6);
    expect(events(drifted.stdout).at(-1)).toMatchObject({ type: 'recap', exit_code: 6 });
    expect((await play(...echo(dir, '--check', '--detailed-exitcode', '-e', 'echo_message=x', '-e', 'echo_fail=true'))).code).toBe(ExitCode.hostFailed);
  });

  it('is refused with --plan and --list-*, which change nothing', async () => {
    const r = await play(...echo(join(tmp, 'x'), '--plan', '--detailed-exitcode'));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/--detailed-exitcode/);
  });
});

describe('--kube-context and the terminal width', () => {
  it('--kube-context NAME is the kube_context var, from the command line, over the inventory', async () => {
    const r = await play('-i', 'production', '--tags', 'istio', '--plan', '--kube-context', 'lab-admin', '--json');
    const plan = events(r.stdout).find((e) => e.type === 'plan') as unknown as { roles: { vars: Record<string, { value: unknown; source: string }> }[] };
    expect(plan.roles[0]!.vars['kube_context']).toEqual({ value: 'lab-admin', source: '--kube-context' });
  });

  it('banners follow COLUMNS when the output is not a terminal', async () => {
    let stdout = '';
    const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: () => {} }, projectDir, cwd: projectDir, env: { COLUMNS: '100' } };
    await playMain(echo(join(tmp, 'cols')), io);
    expect(stdout.split('\n').find((l) => l.startsWith('PLAY RECAP'))).toHaveLength(100);
  });
});
