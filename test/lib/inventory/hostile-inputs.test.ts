// Hostile inventory inputs (issue 17.4): alias bomb, FIFO, symlink loop, unreadable file, NUL bytes, backwards ranges, bad --limit regex.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, InventoryError } from '../../../lib/errors.ts';
import { loadInventory } from '../../../lib/inventory/index.ts';
import { MAX_EXPANDED_NODES, parseAnsibleYaml } from '../../../lib/inventory/yaml-ansible.ts';
import { selectHosts } from '../../../lib/runner/patterns.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-hostile-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function inventory(name: string, hosts: string, groupVars: Record<string, string> = {}): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(join(dir, 'group_vars'), { recursive: true });
  await writeFile(join(dir, 'hosts'), hosts);
  for (const [file, text] of Object.entries(groupVars)) await writeFile(join(dir, 'group_vars', file), text);
  return dir;
}

async function problems(dir: string): Promise<string[]> {
  const err = await loadInventory(dir, { projectDir: tmp }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InventoryError);
  return (err as InventoryError).problems.map((p) => `${p.file} › ${p.key}: ${p.message}`);
}

/** One list of `items` numbers referenced `refs` times: the bomb is 100k × 9,999 (230 KB). */
export function aliasBomb(items: number, refs: number): string {
  const list = Array.from({ length: items }, () => '0').join(',');
  const lines = Array.from({ length: refs }, (_, i) => `r${i}: *big`);
  return `big: &big [${list}]\n${lines.join('\n')}\n`;
}

describe('YAML aliases', () => {
  it('refuses a file whose aliases expand past the node bound, naming the bound', () => {
    expect(() => parseAnsibleYaml(aliasBomb(1000, 1001))).toThrow(`expands to more than ${MAX_EXPANDED_NODES} nodes`);
  });

  it('accepts aliases that stay under the bound, sharing the node as before', () => {
    const data = parseAnsibleYaml(aliasBomb(10, 5)) as Record<string, unknown[]>;
    expect(data.r4).toHaveLength(10);
  });

  it('names the group_vars file of a bomb as a problem', async () => {
    const dir = await inventory('bomb', '[k]\nk1\n', { 'all.yml': aliasBomb(2000, 600) });
    expect(await problems(dir)).toEqual([`bomb/group_vars/all.yml › r498: the file expands to more than ${MAX_EXPANDED_NODES} nodes once its aliases (*name) are expanded: write the repeated data once, or reference it from fewer places`]);
  });
});

describe('special files', () => {
  it('refuses a FIFO in group_vars by name, at once', async () => {
    const dir = await inventory('fifo', '[k]\nk1\n');
    execFileSync('mkfifo', [join(dir, 'group_vars', 'k.yml')]);
    expect(await problems(dir)).toEqual(['fifo/group_vars/k.yml › a named pipe (FIFO): inventory files must be regular files; remove it or replace it with one']);
  });

  it('refuses a symlink loop by name', async () => {
    const dir = await inventory('loop', '[k]\nk1\n');
    await symlink('k.yml', join(dir, 'group_vars', 'k.yml'));
    expect(await problems(dir)).toEqual(['loop/group_vars/k.yml › a symbolic link loop: the link points back at itself: fix or remove the link']);
  });

  it('refuses a hosts file that is a symlink loop', async () => {
    const dir = join(tmp, 'loop-hosts');
    await mkdir(dir);
    await symlink('inv', join(dir, 'inv'));
    expect(await problems(join(dir, 'inv'))).toEqual(['loop-hosts/inv › a symbolic link loop: the link points back at itself: fix or remove the link']);
  });
});

describe('values', () => {
  it('refuses a NUL byte in ansible_host, inline and in host_vars-like files', async () => {
    const dir = await inventory('nul', '[k]\nk1 ansible_host=10.0.0.1\u0000evil\n', { 'k.yml': 'ansible_user: "root\\0x"\nother: "ok\\0"\n' });
    expect(await problems(dir)).toEqual([
      'nul/hosts › ansible_host: contains a NUL byte (\\0), which would cut the value short where it is used: remove it',
      'nul/group_vars/k.yml › ansible_user: contains a NUL byte (\\0), which would cut the value short where it is used: remove it',
    ]);
  });

  it('refuses a host range that ends before it starts', async () => {
    const dir = await inventory('range', '[k]\nnode[3:1]\n');
    expect(await problems(dir)).toEqual(['range/hosts:2 › node[3:1]: host range [3:1] ends before it starts, so it names no host: write it as [1:3]']);
  });
});

describe('host patterns', () => {
  it('refuses a ~regex that does not compile as an input error naming the pattern', () => {
    const err = (() => {
      try {
        selectHosts('~[', { hosts: ['a'], groups: { all: ['a'] } }, '--limit');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]).toMatchObject({ file: 'command line', key: '--limit' });
    expect((err as InputError).problems[0]!.message).toMatch(/^'~\[' is not a valid regular expression/);
  });
});
