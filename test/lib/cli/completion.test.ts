// Shell completion: the bash/zsh scripts, and the candidates for commands, flags, --tags
// (playbook roles and, with -i, task tags), --limit (inventory hosts and groups), -i and doc roles.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { candidates } from '../../../lib/cli/completion.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

describe('capstan completion', () => {
  it('completes commands, then the flags of the command', async () => {
    expect(await candidates(1, ['capstan', 'pl'], projectDir)).toEqual(['play']);
    expect(await candidates(1, ['capstan', ''], projectDir)).toEqual(expect.arrayContaining(['play', 'inventory', 'doc', 'lab', 'demo', '--version']));
    expect(await candidates(2, ['capstan', 'play', '--li'], projectDir)).toEqual(['--limit', '--list-hosts', '--list-tags', '--list-tasks']);
    expect(await candidates(2, ['capstan', 'inventory', '--ho'], projectDir)).toEqual(['--host']);
  });

  it('completes --tags from the playbook, the last item of a comma list, and task tags once -i is given', async () => {
    expect(await candidates(3, ['capstan', 'play', '--tags', 'metallb,is'], projectDir)).toEqual(['metallb,istio']);
    expect(await candidates(3, ['capstan', 'play', '--tags', 'lb-'], projectDir)).toEqual(['lb-config', 'lb-deploy']);
    expect(await candidates(3, ['capstan', 'play', '--tags', 've'], projectDir)).toEqual([]);
    expect(await candidates(5, ['capstan', 'play', '-i', 'production', '--tags', 've'], projectDir)).toEqual(['verify']);
  });

  it('completes --limit from the inventory named by -i, and -i from inventory/', async () => {
    const limit = await candidates(5, ['capstan', 'play', '-i', 'production', '--limit', ''], projectDir);
    expect(limit).toEqual(expect.arrayContaining(['k3s_cluster', 'server', 'agent', 'k8s-node1', 'lb1']));
    expect(await candidates(5, ['capstan', 'play', '-i', 'no-such-inventory', '--limit', ''], projectDir)).toEqual([]);
    expect(await candidates(3, ['capstan', 'play', '-i', 'pro'], projectDir)).toEqual(['production']);
    expect(await candidates(2, ['capstan', 'doc', 'met'], projectDir)).toEqual(['metallb']);
    // no -i: the inventory ansible.cfg names
    const dir = mkdtempSync(join(tmpdir(), 'capstan-complete-'));
    writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\ninventory = ${join(projectDir, 'inventory/production')}\n`);
    try {
      expect(await candidates(3, ['capstan', 'play', '--limit', 'k8s-node'], dir)).toEqual(['k8s-node1', 'k8s-node2', 'k8s-node3']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints scripts that bash and zsh accept', async () => {
    const bin = resolve(projectDir, 'bin/capstan.js');
    const bash = (await run(process.execPath, [bin, 'completion', 'bash'])).stdout;
    expect(bash).toMatch(/complete .*-F _capstan capstan/);
    await run('bash', ['-n', '-c', bash]);
    const zsh = (await run(process.execPath, [bin, 'completion', 'zsh'])).stdout;
    expect(zsh).toMatch(/^#compdef capstan/);
    expect((await run(process.execPath, [bin, '__complete', '2', 'capstan', 'play', '--dif'])).stdout).toBe('--diff\n');
  });
});
