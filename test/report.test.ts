// Console output in ansible-playbook's shape: task lines, PLAY RECAP, timings.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { loadInventory, resolveHost } from '../lib/inventory/index.ts';
import { reportError } from '../lib/cli/args.ts';
import { banner, consoleReporter, recapLine } from '../lib/report/console.ts';
import { multiReporter, Stats } from '../lib/report/events.ts';
import { jsonReporter } from '../lib/report/json.ts';
import { runPlaybook } from '../lib/runner/index.ts';
import { clearSecretsForTest, registerSecret } from '../lib/secrets.ts';

const projectDir = resolve(import.meta.dirname, '..');
const fixtures = resolve(import.meta.dirname, 'fixtures/runner');

function buffer(isTTY = false) {
  let text = '';
  return { out: { write: (s: string) => { text += s; }, isTTY }, text: () => text };
}

describe('console output has Ansible\'s shape', () => {
  // Written by Debian's ansible-playbook (ANSIBLE_NOCOLOR=1 COLUMNS=80), see the fixture file.
  const ansible = readFileSync(resolve(fixtures, 'ansible-playbook-output.txt'), 'utf8').split('\n');

  it('banners and the recap line match ansible-playbook byte for byte', () => {
    expect(banner('PLAY RECAP').trim()).toBe(ansible.find((l) => l.startsWith('PLAY RECAP')));
    expect(banner('TASK [command]').trim()).toBe(ansible.find((l) => l.startsWith('TASK [command]')));
    const stats = new Stats();
    for (const s of ['changed', 'ok', 'skipped'] as const) stats.add('localhost', s);
    expect(recapLine('localhost', stats.of('localhost'))).toBe(ansible.find((l) => l.startsWith('localhost ')));
  });

  it('prints the recap sorted by host, as Ansible does', () => {
    const b = buffer();
    const stats = new Stats();
    stats.add('node2', 'ok');
    stats.add('node1', 'failed');
    consoleReporter(b.out).emit({ type: 'recap', hosts: stats.toJSON(), duration_ms: 1500, exit_code: 2 });
    expect(b.text()).toMatch(/\nnode1 +: ok=0 .*failed=1 .*\nnode2 +: ok=1 /);
    expect(b.text()).toContain('total time: 1.50s');
  });

  it('exit code: failed beats unreachable beats ok', () => {
    const s = new Stats();
    s.add('a', 'ok');
    expect(s.exitCode()).toBe(0);
    s.add('b', 'unreachable');
    expect(s.exitCode()).toBe(4);
    s.add('c', 'failed');
    expect(s.exitCode()).toBe(2);
  });

  it('shows progress live on a TTY and as plain lines otherwise', () => {
    const ev = { type: 'progress', role: 'r', task: 't', host: 'h', level: 'progress', message: 'waiting for x: 0/1' } as const;
    const tty = buffer(true);
    const r = consoleReporter(tty.out);
    r.emit(ev);
    r.emit({ type: 'task_result', role: 'r', task: 't', host: 'h', status: 'ok', duration_ms: 1200 });
    expect(tty.text()).toContain('\r\x1b[K');
    const plain = buffer(false);
    consoleReporter(plain.out).emit(ev);
    expect(plain.text()).toContain('  [h] waiting for x: 0/1\n');
    expect(plain.text()).not.toContain('\r');
  });
});

describe('secrets never reach any output', () => {
  afterEach(() => clearSecretsForTest());
  const secret = 's3cr3t-vault-value';

  async function runWith(mode: 'run' | 'plan', tasks: unknown[]) {
    registerSecret(secret);
    const inventory = await loadInventory(resolve(fixtures, 'inventory/multi'), { projectDir });
    const con = buffer();
    const json = buffer();
    const events: unknown[] = [];
    await runPlaybook({
      projectDir, playbook: resolve(fixtures, 'playbooks/probe.ts'), limit: 'n1', mode, diff: true,
      source: { inventory, resolve: (h, o) => resolveHost(inventory, h, o) },
      extraVars: [{ source: '-e', vars: { probe_tasks: tasks, probe_secret: secret } }],
      reporter: multiReporter(consoleReporter(con.out, { diff: true, verbosity: 1 }), jsonReporter(json.out), { emit: (e) => events.push(e) }),
      openTransport: async () => { throw new Error('no connection in this test'); },
    });
    return { console: con.text(), json: json.text(), events };
  }

  it('in msg, diff, progress, failure messages and JSON events', async () => {
    const r = await runWith('run', [{ name: 'ok' }, { name: 'boom', fail_on: ['n1'] }]);
    expect(JSON.stringify(r.events)).toContain(secret); // the raw events do carry it...
    expect(r.console).toContain('did ok using ********');
    expect(r.console).toContain('+********');
    expect(r.console).toContain('probe boom failed with ********');
    for (const text of [r.console, r.json]) expect(text).not.toContain(secret); // ...no output does
    expect(r.json.split('\n').filter(Boolean).every((l) => JSON.parse(l))).toBe(true);
  });

  it('in the plan', async () => {
    const r = await runWith('plan', [{ name: 'ok' }]);
    expect(r.console).toContain('probe ok secret=********');
    expect(r.console).toContain('probe_secret: "********"');
    expect(r.console + r.json).not.toContain(secret);
  });

  it('in error messages', () => {
    registerSecret(secret);
    const err = buffer();
    reportError(new InputError([{ file: 'x.yml', key: 'k', message: `bad value ${secret}` }]), { stdout: err.out, stderr: err.out, projectDir, cwd: projectDir, env: {} });
    expect(err.text()).toContain('bad value ********');
    expect(err.text()).not.toContain(secret);
  });
});
