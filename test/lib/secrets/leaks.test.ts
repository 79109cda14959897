// The three secret leaks of issue 17.3, through the real CLI in child processes (a fresh masker
// each, as a user's next run has): a rotated vaulted lb_stats_password (the OLD value on the
// removed diff line), a vaulted password with ' " \ $ that HAProxy quoting re-bytes, and a plain
// secret var (refused with exit 5, or masked under capstan_allow_plain_secrets). No output of
// -v, --diff, --check, --plan, --json or an error holds the secret in any rendering.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretRenderings } from '../../../lib/secrets.ts';
import { vaultedVar } from '../../support/vault-encrypt-for-test.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
const NODE = resolve(PROJECT, 'node_modules/.bin/node');
const GUARD = resolve(PROJECT, 'test/support/offline-guard.ts');
const BASE = resolve(PROJECT, 'test/fixtures/bad-input/_base');
const PASS = 'leak-test-vault-password';
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A copy of the corpus base inventory with lb vars; the stats password given as `secretYaml`. */
function inventory(secretYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-leaks-'));
  dirs.push(dir);
  cpSync(BASE, join(dir, 'inv'), { recursive: true });
  writeFileSync(join(dir, 'pass'), `${PASS}\n`);
  writeFileSync(join(dir, 'inv/group_vars/all/override.yml'),
    `lb_stats_enabled: true\nlb_output_dir: ${join(dir, 'out')}\nf5_virtual_address: 192.0.2.200\n${secretYaml}`);
  return dir;
}

function setSecret(dir: string, secretYaml: string): void {
  const file = join(dir, 'inv/group_vars/all/override.yml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/lb_stats_password:[\s\S]*$/, secretYaml));
}

/** The CLI's whole output (stdout + stderr) and exit code; the offline guard refuses any connect. */
function cli(dir: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(NODE, ['--import', GUARD, 'lib/cli/play.ts', '-i', join(dir, 'inv'), '--vault-password-file', join(dir, 'pass'), ...args], {
    cwd: PROJECT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: dir, NO_COLOR: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every rendering of the secret that is long enough to mean something, none of which may print. */
function expectNoLeak(out: string, secret: string): void {
  for (const form of secretRenderings(secret).filter((f) => f.length >= 6)) expect(out).not.toContain(form);
}

const OUTPUTS = [['--diff'], ['--diff', '-v'], ['--diff', '--json'], ['--check', '--diff'], ['--plan'], ['--plan', '-v'], ['--plan', '--json']].map((f) => [f]);

describe('rotation: the old vaulted password never prints on the removed diff line', () => {
  const OLD = 'old-stats-pass-4711';
  const NEW = 'new-stats-pass-0815';
  const dir = inventory(vaultedVar('lb_stats_password', OLD, PASS));
  let before = '';

  it('first run writes haproxy.cfg with the old password', () => {
    const r = cli(dir, '--tags', 'lb-config');
    expect(r.code, r.out).toBe(0);
    before = readFileSync(join(dir, 'out/haproxy.cfg'), 'utf8');
    expect(before).toContain(`stats auth admin:${OLD}`);
    expectNoLeak(r.out, OLD);
  });

  it.each(OUTPUTS)('after rotating, %j shows the stats line changed, masked on both sides', (flags) => {
    writeFileSync(join(dir, 'out/haproxy.cfg'), before); // each output starts from the old file
    setSecret(dir, vaultedVar('lb_stats_password', NEW, PASS));
    const r = cli(dir, '--tags', 'lb-config', ...flags);
    expect(r.code, r.out).toBe(0);
    expectNoLeak(r.out, OLD);
    expectNoLeak(r.out, NEW);
    if (flags.includes('--diff')) expect(r.out).toMatch(/-\s*\*{8} \(a line holding a secret\)/);
  });
});

describe('quoting: a vaulted password with \' " \\ $ is masked after HAProxy quoting', () => {
  const SECRET = `it's "a" pa\\ss$word`;
  const dir = inventory(vaultedVar('lb_stats_password', SECRET, PASS));

  it.each([...OUTPUTS, [[]]])('%j', (flags) => {
    const r = cli(dir, '--tags', 'lb-config', ...flags);
    expect(r.code, r.out).toBe(0);
    expectNoLeak(r.out, SECRET);
  });

  it('the generated file holds the HAProxy-quoted form (what the masker must also know)', () => {
    expect(readFileSync(join(dir, 'out/haproxy.cfg'), 'utf8')).toContain(`'admin:it'\\''s "a" pa\\ss$word'`);
  });
});

describe('a secret var in plain text', () => {
  const PLAIN = 'plain-text-stats-pass';
  const dir = inventory(`lb_stats_password: ${PLAIN}\n`);

  it.each([[], ['-v'], ['--json'], ['--plan'], ['--diff', '--check']].map((f) => [f]))('is refused with exit 5 naming it, and not printed: %j', (flags) => {
    const r = cli(dir, '--tags', 'lb-config', ...flags);
    expect(r.code, r.out).toBe(5);
    expect(r.out).toContain('group_vars/all/override.yml › lb_stats_password: is a secret but its value is plain text');
    expect(r.out).toContain('capstan_allow_plain_secrets: true');
    expectNoLeak(r.out, PLAIN);
  });

  it('is taken under capstan_allow_plain_secrets: true (a lab), and masked like a vaulted one', () => {
    const lab = inventory(`capstan_allow_plain_secrets: true\nlb_stats_password: ${PLAIN}\n`);
    for (const flags of [['--diff', '-v'], ['--plan'], ['--json', '--diff']]) {
      const r = cli(lab, '--tags', 'lb-config', ...flags);
      expect(r.code, r.out).toBe(0);
      expectNoLeak(r.out, PLAIN);
    }
  });
});
