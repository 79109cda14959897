// The Jinja subset: expressions, filters and tests as Ansible renders them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InventoryError } from '../lib/errors.ts';
import { loadInventory, resolveHost, type VarLayer } from '../lib/inventory/index.ts';
import { JinjaError } from '../lib/inventory/jinja/errors.ts';
import { renderString, type Scope } from '../lib/inventory/jinja/render.ts';

const vars: Record<string, unknown> = {
  n: 5, s: 'Hello World', l: [3, 1, 2], d: { k: 'v', nested: { m: 1 } }, t: true, none: null,
  csv: 'a,b,,c', pad: '  x  ', words: ['b', 'A', 'c'], items: [{ name: 'x', on: true }, { name: 'y', on: false }],
};
const scope: Scope = { has: (k) => k in vars, lookup: (k) => vars[k], vault: () => 'unused' };
const render = (t: string) => renderString(t, scope);

describe('Jinja expressions', () => {
  it.each([
    // native type for a lone expression; text otherwise (Python str() of values)
    ['{{ n }}', 5], ['{{ l }}', [3, 1, 2]], ['n={{ n }}', 'n=5'], ['{{ l }}!', '[3, 1, 2]!'], ['{{ t }}/{{ none }}', 'True/None'],
    ['{{ d }} ', "{'k': 'v', 'nested': {'m': 1}} "],
    // operators and precedence
    ['{{ n + 2 * 3 }}', 11], ['{{ (n + 2) * 3 }}', 21], ['{{ 2 ** 3 ** 2 }}', 64], ['{{ 7 // 2 }}', 3], ['{{ 7 / 2 }}', 3.5], ['{{ -n }}', -5],
    ['{{ 7 % 3 }}', 1], ["{{ 'a' ~ n ~ 'b' }}", 'a5b'], ["{{ 'ab' + 'cd' }}", 'abcd'], ['{{ l + [4] }}', [3, 1, 2, 4]], ["{{ '%s-%s' % ('a', n) }}", 'a-5'],
    ['{{ n > 3 and n < 10 }}', true], ['{{ 1 < n < 4 }}', false], ['{{ n == 5.0 }}', true], ['{{ not t }}', false], ['{{ t or x_undefined }}', true],
    ["{{ 'World' in s }}", true], ['{{ 4 not in l }}', true], ["{{ 'k' in d }}", true],
    ["{{ 'yes' if n > 3 else 'no' }}", 'yes'], ["{{ 'yes' if n > 9 else 'no' }}", 'no'],
    // access
    ['{{ d.k }}', 'v'], ["{{ d['nested']['m'] }}", 1], ['{{ d.nested.m }}', 1], ['{{ l[0] }}', 3], ['{{ l[-1] }}', 2], ['{{ l[1:] }}', [1, 2]], ['{{ l.0 }}', 3],
    ["{{ s[:5] }}", 'Hello'], ['{{ [1, 2, 3][::-1] }}', [3, 2, 1]], ["{{ {'a': 1, 'b': [2]}.b }}", [2]], ['{{ (1, 2) }}', [1, 2]],
    // methods
    ['{{ s.lower() }}', 'hello world'], ["{{ csv.split(',') }}", ['a', 'b', '', 'c']], ["{{ d.get('zz', 'dflt') }}", 'dflt'], ['{{ d.keys() | list }}', ['k', 'nested']],
    // filters
    ["{{ x_undefined | default('d') }}", 'd'], ["{{ x_undefined | d('d') }}", 'd'], ["{{ '' | default('d', true) }}", 'd'], ["{{ n | default('d') }}", 5],
    ['{{ s | lower }}', 'hello world'], ['{{ s | upper }}', 'HELLO WORLD'], ["{{ '42' | int + 1 }}", 43], ["{{ 'x' | int }}", 0], ["{{ '1.5' | float }}", 1.5],
    ['{{ n | string }}', '5'], ["{{ 'yes' | bool }}", true], ["{{ 'off' | bool }}", false], ["{{ l | join('-') }}", '3-1-2'], ['{{ l | length }}', 3],
    ['{{ l | first }}', 3], ['{{ l | last }}', 2], ['{{ pad | trim }}', 'x'], ["{{ s | replace('o', '0') }}", 'Hell0 W0rld'], ['{{ l | sort }}', [1, 2, 3]],
    ['{{ words | sort }}', ['A', 'b', 'c']], ['{{ l | max }}', 3], ['{{ l | sum }}', 6], ['{{ [1, 1, 2] | unique }}', [1, 2]], ['{{ [[1], [2, [3]]] | flatten }}', [1, 2, 3]],
    ['{{ d | to_json }}', '{"k": "v", "nested": {"m": 1}}'], ['{{ l | to_json }}', '[3, 1, 2]'], ["{{ 'é' | to_json }}", '"\\u00e9"'], ["{{ '[1, 2]' | from_json }}", [1, 2]],
    ["{{ items | map(attribute='name') | list }}", ['x', 'y']], ["{{ items | selectattr('on') | map(attribute='name') | join }}", 'x'],
    ["{{ l | map('string') | list }}", ['3', '1', '2']], ["{{ {'a': 1} | combine({'b': 2}) }}", { a: 1, b: 2 }], ["{{ {'a': 1} | dict2items }}", [{ key: 'a', value: 1 }]],
    ["{{ t | ternary('on', 'off') }}", 'on'], ["{{ 'a.b.c' | regex_replace('\\\\.', '-') }}", 'a-b-c'], ["{{ 'hi' | b64encode }}", 'aGk='], ['{{ d | ansible.builtin.to_json }}', '{"k": "v", "nested": {"m": 1}}'],
    ["{{ {'x': [1, 2]} | to_yaml }}", '{ x: [ 1, 2 ] }\n'],
    // tests
    ['{{ n is defined }}', true], ['{{ x_undefined is defined }}', false], ['{{ x_undefined is not defined }}', true], ['{{ none is none }}', true],
    ['{{ n is number }}', true], ['{{ s is string }}', true], ['{{ d is mapping }}', true], ['{{ n is odd }}', true], ['{{ n is divisibleby 5 }}', true],
    // comments are dropped; whitespace control
    ['a{# note #}b', 'ab'], ['a  {{- n }}  b', 'a5  b'], ['a {{ n -}}  b', 'a 5b'], ['  {{- n -}}  ', 5], ['{{ n - 1 }}', 4],
  ])('%s', (template, expected) => {
    expect(render(template)).toEqual(expected);
  });

  it.each([
    ['{{ x_undefined }}', "'x_undefined' is undefined"],
    ['{{ d.nope }}', "'dict object' has no attribute 'nope'"],
    ['{{ d.nope.deeper }}', "'dict object' has no attribute 'nope'"],
    ['{{ l[7] }}', "'list object' has no element 7"],
    ['{{ n | nosuchfilter }}', "no filter named 'nosuchfilter'"],
    ['{{ n + }}', 'expected a value, found end of expression'],
    ['{{ n', "'{{' is never closed"],
    ['{% while t %}x{% endwhile %}', 'unknown or unexpected statement {% while %}: capstan supports if, for, set and raw'],
    ['{% if t %}x', 'missing {% endif %}'],
    ["{{ n + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str'"],
    ["{{ lookup('pipe', 'cat /etc/passwd') }}", "lookup('pipe') is refused: it runs a shell command on the controller"],
    ["{{ lookup('password', '/dev/null') }}", "lookup('password') is refused: it creates a file on the controller"],
    ["{{ n | defualt(1) }}", "no filter named 'defualt': did you mean default?"],
    ['{{ n is defnied }}', "no test named 'defnied': did you mean defined?"],
  ])('%s fails: %s', (template, message) => {
    expect(() => render(template)).toThrow(JinjaError);
    expect(() => render(template)).toThrow(message);
  });
});

const projectDir = join(import.meta.dirname, '..');

describe('Jinja in inventories (lazy, per host)', () => {
  it('resolves references to other vars, hostvars, groups, group_names and inventory_hostname', async () => {
    const inv = await loadInventory('test/fixtures/inventory/jinja', { projectDir });
    const node3 = resolveHost(inv, 'k8s-node3');
    expect(node3.get('api_url')).toBe('https://192.168.1.101:6443');
    expect(node3.get('node_name')).toBe('K8S-NODE3');
    expect(node3.get('role')).toBe('agent');
    expect(resolveHost(inv, 'k8s-node1').get('role')).toBe('server');
    // host_vars base_port (31000) is what the group_vars template sees for this host
    expect(node3.get('port_plus')).toBe(31001);
    expect(resolveHost(inv, 'k8s-node1').get('port_plus')).toBe(30001);
    expect(node3.get('server_count')).toBe(2);
    expect(node3.get('servers_native')).toEqual(['k8s-node1', 'k8s-node2']);
    expect(node3.get('fqdn')).toBe('k8s-node3.cluster.local');
    // the inventory layers keep the template; resolution does not modify them
    expect(inv.layersOf('k8s-node3').find((l) => 'api_url' in l.vars)?.vars.api_url).toBe('https://{{ api_endpoint }}:{{ api_port | default(6443) }}');
  });

  it('uses -e and role defaults in references', async () => {
    const inv = await loadInventory('test/fixtures/inventory/jinja', { projectDir });
    const extraVars: VarLayer[] = [{ source: '-e', vars: { api_port: 7443 } }];
    expect(resolveHost(inv, 'k8s-node1', { extraVars }).get('api_url')).toBe('https://192.168.1.101:7443');
  });

  it('names the file and key of an undefined reference, and of a cycle; all() reports every one', async () => {
    const inv = await loadInventory('test/fixtures/inventory/jinja', { projectDir });
    const extraVars: VarLayer[] = [{ source: '-e', vars: { a: '{{ b }}', b: '{{ a }}', broken: '{{ nothing_here }}' } }];
    const vars = resolveHost(inv, 'k8s-node1', { extraVars });
    const err = (() => {
      try {
        vars.all();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InventoryError);
    const problems = (err as InventoryError).problems;
    expect(problems.map((p) => `${p.file} › ${p.key}: ${p.message}`)).toEqual([
      '-e › a: recursive loop detected in template: a → b → a: break the cycle',
      '-e › b: recursive loop detected in template: b → a → b: break the cycle',
      "-e › broken: 'nothing_here' is undefined: define it (group_vars/, host_vars/ or -e), or give a fallback with | default(...)",
    ]);
    expect(problems[0]!.host).toBe('k8s-node1');
    expect(() => vars.get('broken')).toThrow(/-e › broken \(host k8s-node1\): 'nothing_here' is undefined/);
    expect(vars.get('api_url')).toBe('https://192.168.1.101:6443');
    expect(() => resolveHost(inv, 'no-such-host')).toThrow(/no-such-host: no such host in the inventory/);
  });

  it('detects a loop that goes through another host, and knows inventory_dir', async () => {
    const inv = await loadInventory('test/fixtures/inventory/jinja', { projectDir });
    const extraVars: VarLayer[] = [{ source: '-e', vars: { loop: "{{ hostvars['k8s-node2'].loop if inventory_hostname == 'k8s-node1' else hostvars['k8s-node1'].loop }}", where: '{{ inventory_dir }}' } }];
    const vars = resolveHost(inv, 'k8s-node1', { extraVars });
    expect(() => vars.get('loop')).toThrow("recursive loop detected in template: loop → hostvars['k8s-node2'].loop → loop");
    expect(vars.get('where')).toBe(join(projectDir, 'test/fixtures/inventory/jinja'));
  });
});
