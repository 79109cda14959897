/**
 * The haproxy role through the runner and real SSH to a lab host: first run installs and
 * reloads, the second changes nothing (no upload: mtime kept, no reload: same pid), a broken
 * template override is refused by `haproxy -c` and the running config stays.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playMain } from '../lib/cli/play.ts';
import { PROJECT_DIR } from './fixtures/lb/inventory.ts';
import { useLab } from './support/lab-vitest.ts';
import { vaultedVar } from './support/vault-encrypt-for-test.ts';

const LB = 'lbd2';
const DIR = '/opt/haproxy';
const CFG = `${DIR}/haproxy.cfg`;
const PID = `${DIR}/haproxy.pid`;
const lab = useLab({ hosts: 2, name: 'lb-deploy', hostNamePrefix: 'lbd', groups: { server: ['lbd1'], loadbalancers: [LB] } });
const PLAYBOOK = join(PROJECT_DIR, 'test/fixtures/lb/lb-playbook.ts');

const vars = {
  haproxy_config_path: CFG,
  haproxy_stats_socket: `${DIR}/admin.sock`,
  haproxy_chroot: '',
  haproxy_log_target: '127.0.0.1:514 local0',
  haproxy_reload_command: ['sh', '-c', `haproxy -D -f ${CFG} -p ${PID} -sf $(cat ${PID} 2>/dev/null)`],
};

interface Outcome { code: number; results: { status: string; msg?: string; diff?: string }[]; text: string }

async function play(...extra: string[]): Promise<Outcome> {
  return playWith(vars, ...extra);
}

async function playWith(given: Record<string, unknown>, ...extra: string[]): Promise<Outcome> {
  let text = '';
  const io = { stdout: { write: (s: string) => { text += s; } }, stderr: { write: (s: string) => { text += s; } }, projectDir: PROJECT_DIR, cwd: PROJECT_DIR, env: process.env };
  const code = await playMain(['--inventory', lab().inventoryDir, '--playbook', PLAYBOOK, '--tags', 'haproxy', '--json', '-e', JSON.stringify(given), ...extra], io);
  const events = text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string });
  const results = events.filter((e) => e.type === 'task_result') as unknown as Outcome['results'];
  return { code, results, text };
}

async function onLb(...argv: string[]): Promise<string> {
  return (await lab().exec(LB, argv)).stdout.trim();
}

const pidAlive = async (): Promise<string> => onLb('sh', '-c', `kill -0 $(cat ${PID}) && cat ${PID}`);

beforeAll(async () => {
  await onLb('mkdir', '-p', DIR);
});

afterAll(async () => {
  // The haproxy this test started, by its pid file.
  await lab().exec(LB, ['sh', '-c', `test -f ${PID} && kill $(cat ${PID}) || true`], { allowFail: true });
});

describe('haproxy role deploy over SSH', () => {
  let firstPid = '';
  let mtime = '';

  it('first run: uploads, validates, installs and reloads (changed)', async () => {
    const run = await play();
    expect(run.code, run.text).toBe(0);
    expect(run.results).toEqual([expect.objectContaining({ status: 'changed', msg: expect.stringMatching(/^validated, installed \/opt\/haproxy\/haproxy.cfg and reloaded/) })]);
    expect(await onLb('cat', CFG)).toContain('backend financial-mlops\n');
    firstPid = await pidAlive();
    mtime = await onLb('stat', '-c', '%y', CFG);
    expect(await onLb('ls', DIR)).not.toContain('capstan-new');
  });

  it('second run: ok, no upload (mtime kept), no reload (same pid)', async () => {
    const run = await play();
    expect(run.code, run.text).toBe(0);
    expect(run.results).toEqual([expect.objectContaining({ status: 'ok', msg: `${CFG} unchanged: no upload, no reload` })]);
    expect(await onLb('stat', '-c', '%y', CFG)).toBe(mtime);
    expect(await pidAlive()).toBe(firstPid);
  });

  it('--check --diff shows the config diff and writes nothing', async () => {
    const run = await play('--check', '--diff', '-e', 'lb_balance=leastconn');
    expect(run.code, run.text).toBe(0);
    expect(run.results[0]).toMatchObject({ status: 'changed' });
    expect(run.results[0]!.diff).toMatch(/^-    balance roundrobin$/m);
    expect(run.results[0]!.diff).toMatch(/^\+    balance leastconn$/m);
    expect(await onLb('stat', '-c', '%y', CFG)).toBe(mtime);
  });

  it('a broken template is refused with haproxy\'s message and the running config stays', async () => {
    const before = await onLb('cat', CFG);
    const template = readFileSync(join(PROJECT_DIR, 'templates/haproxy/haproxy.cfg.hbs'), 'utf8');
    const overrideDir = join(lab().inventoryDir, 'templates', 'haproxy');
    mkdirSync(overrideDir, { recursive: true });
    writeFileSync(join(overrideDir, 'haproxy.cfg.hbs'), template.replace('defaults\n', 'defaults\n    no-such-directive here\n'));
    const run = await play();
    expect(run.code).toBe(2);
    expect(run.text).toMatch(/\[ALERT\].*unknown keyword 'no-such-directive'/);
    expect(run.text).toMatch(/is unchanged and HAProxy was not reloaded/);
    expect(await onLb('cat', CFG)).toBe(before);
    expect(await onLb('ls', DIR)).not.toContain('capstan-new');
    expect(await pidAlive()).toBe(firstPid);
  });

  it('without systemd and without haproxy_reload_command: a clear error before anything changes', async () => {
    const before = await onLb('stat', '-c', '%y', CFG);
    const { haproxy_reload_command: _unused, ...noReload } = vars;
    const run = await playWith(noReload, '-e', 'lb_balance=leastconn');
    expect(run.code).toBe(2);
    expect(run.text).toMatch(/no systemd here to reload HAProxy, and haproxy_reload_command is not set; nothing was changed/);
    expect(await onLb('stat', '-c', '%y', CFG)).toBe(before);
    expect(await onLb('ls', DIR)).not.toContain('capstan-new');
  });

  it('a changed config replaces the old one with a backup and reloads haproxy', async () => {
    rmSync(join(lab().inventoryDir, 'templates'), { recursive: true });
    const before = await onLb('cat', CFG);
    const run = await play('-e', 'lb_balance=leastconn');
    expect(run.code, run.text).toBe(0);
    const backup = /\(backup (\S+)\)/.exec(run.results[0]!.msg ?? '')?.[1];
    expect(backup).toMatch(new RegExp(`^${CFG}\\.\\d{8}T\\d{6}\\.bak$`));
    expect(await onLb('cat', backup!)).toBe(before);
    expect(await onLb('cat', CFG)).toContain('balance leastconn');
    expect(await pidAlive()).not.toBe(firstPid);
  });

  it('rotating the vaulted stats password: backups are 0600, hold no rotated-out password, and are pruned to haproxy_backup_keep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-rotate-'));
    writeFileSync(join(dir, 'pass'), 'rotate-vault-pass\n');
    const passwords = ['rotate-pass-one-111', 'rotate-pass-two-222', 'rotate-pass-three-333'];
    try {
      for (const pw of passwords) {
        writeFileSync(join(dir, 'stats.yml'), `lb_stats_enabled: true\nhaproxy_backup_keep: 2\n${vaultedVar('lb_stats_password', pw, 'rotate-vault-pass')}`);
        const run = await play('-e', 'lb_balance=leastconn', '-e', `@${join(dir, 'stats.yml')}`, '--vault-password-file', join(dir, 'pass'), '--diff');
        expect(run.code, run.text).toBe(0);
        for (const p of passwords) expect(run.text).not.toContain(p);
        expect(await onLb('cat', CFG)).toContain(`stats auth admin:${pw}`);
      }
      const backups = (await onLb('ls', DIR)).split('\n').filter((n) => /^haproxy\.cfg\.\d{8}T\d{6}\.bak$/.test(n));
      expect(backups).toHaveLength(2);
      for (const b of backups) {
        expect(await onLb('stat', '-c', '%a', `${DIR}/${b}`)).toBe('600');
        const text = await onLb('cat', `${DIR}/${b}`);
        expect(text).not.toContain(passwords[0]);
        expect(text).not.toContain(passwords[1]);
      }
      expect(await onLb('ls', DIR)).not.toContain('capstan-new');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
