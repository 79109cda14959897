// Issue 17.6: a key given twice in a YAML mapping warns as Ansible does, and the last value wins:
// through the loader, and through the CLI (`inventory --list`, `play --list-hosts`) for group_vars and hosts.yml.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inventoryMain } from '../../../lib/cli/inventory.ts';
import { playMain } from '../../../lib/cli/play.ts';
import { loadInventory, resolveHost } from '../../../lib/inventory/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-dupkeys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('duplicate YAML keys', () => {
  it('warn with Ansible\'s wording and keep the last value', async () => {
    writeFileSync(join(dir, 'hosts'), 'web1\n');
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars/all.yml'), 'a: 1\nnested:\n  b: 1\n  b: 2\na: 3\n');
    const inv = await loadInventory(dir, { projectDir: dir });
    expect(resolveHost(inv, 'web1').get('a')).toBe(3);
    expect(resolveHost(inv, 'web1').get('nested')).toEqual({ b: 2 });
    expect(inv.warnings).toEqual(expect.arrayContaining([
      'While constructing a mapping from group_vars/all.yml, line 1, column 1, found a duplicate dict key (a). Using last defined value only.',
      'While constructing a mapping from group_vars/all.yml, line 3, column 3, found a duplicate dict key (b). Using last defined value only.',
    ]));
  });

  async function cli(main: typeof playMain, argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } },
      projectDir: join(import.meta.dirname, '../../..'), cwd: dir, env: { HOME: join(dir, 'home'), CAPSTAN_SYSCONFDIR: join(dir, 'etc') } });
    return { code, stdout, stderr };
  }

  it('the CLI warns for group_vars and for hosts.yml, naming file, line and key, and uses the last value', async () => {
    const inv = join(dir, 'cli-inv');
    mkdirSync(join(inv, 'group_vars'), { recursive: true });
    writeFileSync(join(inv, 'hosts.yml'), 'all:\n  hosts:\n    web1:\n      port: 1\n      port: 2\n');
    writeFileSync(join(inv, 'group_vars/all.yml'), 'color: red\ncolor: blue\n');
    const r = await cli(inventoryMain, ['-i', inv, '--list']);
    expect(r.code).toBe(0);
    const hostvars = JSON.parse(r.stdout)._meta.hostvars.web1;
    expect(hostvars).toMatchObject({ port: 2, color: 'blue' });
    expect(r.stderr).toMatch(/\[WARNING\]: While constructing a mapping from \S*hosts\.yml, line 4, column 7, found a duplicate dict key \(port\)\. Using last defined value only\./);
    expect(r.stderr).toMatch(/\[WARNING\]: While constructing a mapping from \S*group_vars\/all\.yml, line 1, column 1, found a duplicate dict key \(color\)\. Using last defined value only\./);
    const play = await cli(playMain, ['-i', inv, '--playbook', join(import.meta.dirname, '../../fixtures/runner/playbooks/echo.ts'), '--list-hosts']);
    expect(play.stderr).toContain('found a duplicate dict key (port)');
    expect(play.stderr).toContain('found a duplicate dict key (color)');
  });
});
