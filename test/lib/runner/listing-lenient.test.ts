// --list-hosts/--list-tasks/--list-tags warn about role-var problems instead of failing (Ansible does not validate vars there); a run still refuses them.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
let inv: string;

beforeAll(async () => {
  inv = await mkdtemp(join(tmpdir(), 'capstan-listing-'));
  await cp(join(projectDir, 'test/fixtures/bad-input/_base'), inv, { recursive: true });
  await writeFile(join(inv, 'group_vars/all/override.yml'), 'istio_gateway_http_nodeport: 40000\n');
});
afterAll(async () => {
  await rm(inv, { recursive: true, force: true });
});

async function play(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  return { code: await playMain(['-i', inv, ...argv], io), stdout, stderr };
}

describe('listing with a bad role var', () => {
  it.each([['--list-tasks'], ['--list-hosts'], ['--list-tags']])('%s lists, exit 0, and warns naming file › key', async (flag) => {
    const r = await play(flag, '--tags', 'istio');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[WARNING]: ');
    expect(r.stderr).toContain('override.yml › istio_gateway_http_nodeport: 40000 is outside the NodePort range 30000-32767');
    expect(r.stderr).toContain('a run refuses it');
    expect(r.stdout).toContain('playbook: playbooks/site.ts');
  });

  it('lists the tasks of the role whose var is bad', async () => {
    const r = await play('--list-tasks', '--tags', 'istio');
    expect(r.stdout).toMatch(/istio : /);
  });

  it('--plan (which a run is made of) still refuses it with exit 5', async () => {
    const r = await play('--plan', '--tags', 'istio');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('override.yml › istio_gateway_http_nodeport');
  });
});
