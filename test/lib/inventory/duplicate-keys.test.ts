// Issue 17.6: a key given twice in a YAML mapping warns as Ansible does, and the last value wins.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
});
