// Inventories of the k3s-ansible family: techno-tim/k3s-ansible's vars and the 2021 master/node layout get "did you mean <capstan var>" (lib/vars/foreign.ts).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-foreign-'));
  await mkdir(join(dir, 'group_vars'));
  await writeFile(join(dir, 'hosts'), '[master]\n192.0.2.38\n\n[node]\n192.0.2.41\n\n[k3s_cluster:children]\nmaster\nnode\n');
  await writeFile(join(dir, 'group_vars/all.yml'), [
    'k3s_version: v1.31.4+k3s1', 'apiserver_endpoint: 192.0.2.222', 'k3s_token: some-secret', 'metal_lb_ip_range: 192.0.2.80-192.0.2.90',
    'group_name_master: master',
  ].join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function plan() {
  let stderr = '';
  const io = { stdout: { write: () => true }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  return { code: await playMain(['-i', dir, '--plan', '--tags', 'k3s'], io), stderr };
}

describe('a techno-tim/k3s-ansible inventory (2021 master/node layout)', () => {
  it('is refused offline with the capstan name of each var and of the group vars', async () => {
    const r = await plan();
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('group_vars/all.yml › apiserver_endpoint: unknown variable (a techno-tim/k3s-ansible name): did you mean api_endpoint?');
    expect(r.stderr).toContain('group_vars/all.yml › k3s_token: unknown variable (a techno-tim/k3s-ansible name): did you mean token?');
    expect(r.stderr).toContain('group_vars/all.yml › metal_lb_ip_range: unknown variable (a techno-tim/k3s-ansible name): did you mean metallb_address_pools');
    expect(r.stderr).toContain('group_vars/all.yml › group_name_master: unknown variable (a techno-tim/k3s-ansible name): did you mean k3s_server_group?');
    expect(r.stderr).toContain("this is k3s-ansible's older layout (groups master and node): set k3s_server_group: master and k3s_agent_group: node");
  });
});
