// Jinja as real inventories use it (issue 16.6): statements, lookups, Ansible filters and tests, undefined chaining, facts, omit and play-context vars.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryError } from '../../../lib/errors.ts';
import { loadInventory, resolveHost } from '../../../lib/inventory/index.ts';
import { JinjaError } from '../../../lib/inventory/jinja/errors.ts';
import { renderString, type Scope } from '../../../lib/inventory/jinja/render.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-jinja-features-'));
  await mkdir(join(tmp, 'files'));
  await writeFile(join(tmp, 'files', 'token'), 'K10secret\n');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const vars: Record<string, unknown> = {
  servers: ['s1', 's2'], agents: ['a1'], port: 6443, cidr: '10.43.0.0/16', v6: 'fd00::1', ver: 'v1.31.4+k3s1',
  users: [{ name: 'alice', on: true, groups: ['sudo'] }, { name: 'bob', on: false, groups: [] }],
  groups: { all: ['s1', 's2', 'a1'], server: ['s1', 's2'], agent: ['a1'] },
  hostvars: { s1: { ip: '10.0.0.1' }, s2: { ip: '10.0.0.2' }, a1: { ip: '10.0.0.3' } },
};
const scope = (): Scope => ({ has: (k) => k in vars, lookup: (k) => vars[k], vault: () => 'unused' });
const render = (t: string) => renderString(t, scope());

describe('statements', () => {
  it.each([
    ["{% if 's1' in servers %}server{% else %}agent{% endif %}", 'server'],
    ["{% if port > 9000 %}a{% elif port > 6000 %}b{% else %}c{% endif %}", 'b'],
    ['{% for s in servers %}{{ s }}{% if not loop.last %},{% endif %}{% endfor %}', 's1,s2'],
    ['{% for s in servers if s != "s1" %}{{ loop.index }}:{{ s }}{% endfor %}', '1:s2'],
    ['{% for k, v in {"a": 1}.items() %}{{ k }}={{ v }}{% endfor %}', 'a=1'],
    ['{% for x in [] %}x{% else %}empty{% endfor %}', 'empty'],
    ['{% set n = servers | length %}{{ n * 2 }}', 4],
    ['{% for s in servers %}{% set x = s %}{% endfor %}{{ x | default("unset") }}', 'unset'],
    ['{% raw %}{{ not rendered }}{% endraw %}', '{{ not rendered }}'],
    ['a\n{% if true %}\nb\n{% endif %}\nc', 'a\nb\nc'],
    ['{%- if true -%}  x  {%- endif -%}', 'x'],
  ])('%s', (t, expected) => {
    expect(render(t)).toEqual(expected);
  });
});

describe('filters and tests', () => {
  it.each([
    ["{{ servers | map('extract', hostvars, 'ip') | list }}", ['10.0.0.1', '10.0.0.2']],
    ["{{ 's1' | hash('sha256') }}", 'e8bc163c82eee18733288c7d4ac636db3a6deb013ef2d37b68322be20edc45cc'],
    ['{{ servers | zip(agents) | list }}', [['s1', 'a1']]],
    ['{{ servers | product([1]) | list }}', [['s1', 1], ['s2', 1]]],
    ["{{ '%s:%05d' | format('x', port) }}", 'x:06443'],
    ["{{ dict(servers | zip([1, 2])) }}", { s1: 1, s2: 2 }],
    ["{{ servers | union(['s3', 's1']) }}", ['s1', 's2', 's3']],
    ["{{ servers | intersect(['s2']) }}", ['s2']],
    ["{{ servers | difference(['s2']) }}", ['s1']],
    ["{{ users | json_query('[?on].name') }}", ['alice']],
    ["{{ users | selectattr('groups', 'contains', 'sudo') | map(attribute='name') | list }}", ['alice']],
    ["{{ users | rejectattr('on') | map(attribute='name') | first }}", 'bob'],
    ["{{ {'a': {'b': 1, 'c': 2}} | combine({'a': {'b': 3}}, recursive=True) }}", { a: { b: 3, c: 2 } }],
    ["{{ [{'k': 'x', 'v': 1}] | items2dict(key_name='k', value_name='v') }}", { x: 1 }],
    ["{{ ver | regex_search('v(\\\\d+)\\\\.(\\\\d+)', '\\\\1', '\\\\2') }}", ['1', '31']],
    ["{{ 'a1b22' | regex_findall('([a-z])(\\\\d+)') }}", [['a', '1'], ['b', '22']]],
    ["{{ {'b': [1], 'a': 2} | to_nice_yaml }}", 'a: 2\nb:\n- 1\n'],
    ["{{ cidr | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | ansible.utils.ipaddr('address') }}", '10.43.0.1'],
    ["{{ cidr | ipaddr('netmask') }}/{{ cidr | ipaddr('prefix') }}/{{ cidr | ipaddr('broadcast') }}", '255.255.0.0/16/10.43.255.255'],
    ["{{ '192.168.1.0/28' | ipaddr('range_usable') }}", '192.168.1.1-192.168.1.14'],
    ["{{ ['10.0.0.1', 'nope', 'fd00::2'] | ipaddr }}", ['10.0.0.1', 'fd00::2']],
    ["{{ ['10.0.0.1', 'fd00::2'] | ipv4 }}", ['10.0.0.1']],
    ['{{ v6 | ansible.utils.ipwrap }}', '[fd00::1]'],
    ["{{ '10.0.0.1' | ipmath(5) }}", '10.0.0.6'],
    ["{{ '10.42.0.0/16' | nthhost(10) }}", '10.42.0.10'],
    ["{{ '8.8.8.8' | ipaddr('private') }}", false],
    ["{{ '192.168.0.0/16' | ipsubnet(24, 2) }}", '192.168.2.0/24'],
    ['{{ [7] | random }}', 7],
    ["{{ 'https://[fd00::1]:6443/x' | urlsplit('hostname') }}", 'fd00::1'],
    ["{{ ver is version('v1.30', '>=') }}", true],
    ["{{ '1.9' is version('1.10', '<') }}", true],
    ["{{ '1.2.3-rc1' is version('1.2.3', '<', version_type='semver') }}", true],
    ["{{ '2.0' | version_compare('1.9', 'gt') }}", true],
    ["{{ 'False' is truthy }}", true],
    ["{{ 'False' is truthy(convert_bool=True) }}", false],
    ["{{ 'no' is falsy(convert_bool=True) }}", true],
    ["{{ '10.0.0.1' is ansible.utils.ipv4 }}", true],
  ])('%s', (t, expected) => {
    expect(render(t)).toEqual(expected);
  });

  it('keeps random within range', () => {
    for (let i = 0; i < 20; i++) expect(render('{{ 5 | random }}')).toBeLessThan(5);
  });
});

describe('undefined values, lookups and facts', () => {
  it.each([
    ["{{ groups['missing'][0] | default('none') }}", 'none'],
    ["{{ hostvars['nohost'].ip | default('x') }}", 'x'],
    ['{{ users[5].name | default("none") }}', 'none'],
    ["{{ lookup('env', 'CAPSTAN_TEST_JINJA_ENV') }}", 'set'],
    ["{{ lookup('env', 'CAPSTAN_TEST_JINJA_UNSET', default='dflt') }}", 'dflt'],
    ["{{ query('inventory_hostnames', 'server:!s2') }}", ['s1']],
    ["{{ lookup('vars', 'port') }}", 6443],
    ["{{ lookup('items', servers, wantlist=True) }}", ['s1', 's2']],
  ])('%s', (t, expected) => {
    process.env.CAPSTAN_TEST_JINJA_ENV = 'set';
    expect(render(t)).toEqual(expected);
  });

  it('reads lookup(file) relative to playbook_dir/files, stripping the trailing newline', () => {
    const s: Scope = { has: (k) => k === 'playbook_dir', lookup: () => tmp, vault: () => '' };
    expect(renderString("{{ lookup('file', 'token') }}", s)).toBe('K10secret');
    expect(() => renderString("{{ lookup('file', 'nope') }}", s)).toThrow("lookup('file', 'nope'): could not find or read the file");
  });

  it.each([
    ['{{ ansible_default_ipv4.address }}', "'ansible_default_ipv4' is an Ansible fact, and capstan gathers no facts (as a play with gather_facts: false): use ansible_host"],
    ['{{ ansible_hostname }}', 'use inventory_hostname_short'],
    ['{{ ansible_eth0.ipv4.address }}', "'ansible_eth0' is an Ansible fact"],
    ["{{ lookup('pipe', 'date') }}", "lookup('pipe') is refused"],
    ["{{ lookup('password', '/tmp/x length=12') }}", "store it in vault"],
    ["{{ lookup('template', 'x.j2') }}", "lookup plugin 'template' is not supported"],
    ['{{ servers | uniqe }}', "no filter named 'uniqe': did you mean unique?"],
  ])('%s fails: %s', (t, message) => {
    expect(() => render(t)).toThrow(JinjaError);
    expect(() => render(t)).toThrow(message.replace('store it in vault', 'keep it in vault'));
  });
});

describe('play-context vars and omit, per host', () => {
  it('defines playbook_dir, ansible_check_mode, ansible_version and falls back to the layer below for default(omit)', async () => {
    const dir = join(tmp, 'inv');
    await mkdir(join(dir, 'group_vars'), { recursive: true });
    await writeFile(join(dir, 'hosts'), '[k]\nk1\n');
    await writeFile(join(dir, 'group_vars', 'all.yml'), [
      'pb: "{{ playbook_dir }}"', 'check: "{{ ansible_check_mode }}"', 'minor: "{{ ansible_version.minor }}"',
      'replicas: "{{ not_set | default(omit) }}"', 'items: ["a", "{{ not_set | default(omit) }}"]',
      'fact: "{{ ansible_facts.os_family }}"', 'src: "{{ ansible_inventory_sources | length }}"',
    ].join('\n'));
    const inv = await loadInventory(dir, { projectDir: tmp });
    const r = resolveHost(inv, 'k1', { play: { checkMode: true, playbookDir: '/p/playbooks' }, roleDefaults: [{ source: 'role defaults (x)', vars: { replicas: 2 } }] });
    expect([r.get('pb'), r.get('check'), r.get('minor'), r.get('replicas'), r.get('items'), r.get('src')]).toEqual(['/p/playbooks', true, 19, 2, ['a'], 1]);
    const err = (() => { try { r.get('fact'); } catch (e) { return e as InventoryError; } })();
    expect(err!.problems[0]!.message).toBe("'ansible_facts' is an Ansible fact, and capstan gathers no facts (as a play with gather_facts: false): set the value it stands for in group_vars/ or host_vars/");
  });
});
