// The flat `key: value` fast path of parseAnsibleYaml (yaml-flat.ts): on a table of tricky lines it answers only where the full YAML parser gives the same values, and it answers for the shapes real host_vars files have.
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FlatYaml } from '../../../lib/inventory/yaml-flat.ts';
import { ansibleTags, parseAnsibleYaml, VaultText, YamlTimestamp } from '../../../lib/inventory/yaml-ansible.ts';

const flat = new FlatYaml(ansibleTags);
const FAILED = Symbol('the full parser refuses it');

/** What parseAnsibleYaml's full parser makes of the text (the options it uses). */
function full(text: string): unknown {
  const doc = parseDocument(text, { version: '1.1', customTags: ansibleTags, uniqueKeys: false, merge: true });
  return doc.errors.length ? FAILED : doc.toJS({ maxAliasCount: 10000 });
}

const VALUES = [
  'special', '1400', '-1', '+1', '1.0', '.5', '-.5', '1e3', '1.5e+3', '1.5e3', '0x1F', '010', '09', '0o10', '1_000', '1:20', '190:20:30.15',
  'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'True', 'TRUE', 'tRue', '~', 'null', 'Null', 'NULL', 'nUll', '.inf', '-.inf', '.NaN', '.nan',
  '2024-01-02', '2024-01-02 10:11:12', '2024-1-2T10:11:12Z', '2024-01-02 10:11:12 +02:00', '2024-01-02t10:11:12.5', '256Mi', '0.5Gi',
  'a b c', "it's", 'say "hi"', 'a, b', 'http://x.y/z?q=1&r=2', 'a:b', 'a: b', 'a:', 'a #c', 'a#c', 'a# c', '(x)', '=', '$HOME', '^x', 'a\\b',
  '[a]', '{a: 1}', 'a]', 'a}', '*x', '&x', '!x', '!unsafe x', '!vault x', '|', '>', "'q'", '"q"', '"a\\"b"', '"a\\nb"', "'it''s'", '"a # b"',
  '""', "''", '"{{ x }}"', "\"{{ 'a' if b | length > 2 else 'c' }}\"", "'{{ x }}'", '{{ x }}', 'x {{ y }}', '%x', '@x', '`x`', '-', '-x', '- x',
  '--', '-1.5', '-.inf', '?x', '? x', ':x', ',x', '#x', 'é', 'ü-ber', 'a\u2028b', 'a\u0085b', 'a\u0007b', '"a\u0007b"', '0', '00', '-0', '+0.0',
  '0.', '1__2', '0b101', '-0b101', '0xZZ', 'True ', ' x', '', ' ', '"x" ', '"x" # c', "'x'y'", '"x"y"', '<<', 'a<<b', '1:2:3', '12:30:45',
];
const KEYS = ['k', 'yes', 'on', 'null', 'Null', 'True', '_x', 'x1', '__proto__', 'constructor', 'toString', 'x-y', 'y', 'n', 'k1_2'];
const DOCS = [
  'a: 1\nb: 2\n', 'a: 1\na: 2\n', '# c\na: 1\n\n', '---\na: 1\n', 'a:\n  - 1\n', 'a:\n- 1\n', 'a: 1\n  b\n', 'a: 1\r\nb: 2\r\n', '\ufeffa: 1',
  'a: 1\n...\n', '\n', '', '# only\n', 'a: 1\n  # indented comment\nb: 2', 'a:\n  # c\nb: 2', 'a: 1\nb:\n', 'a:\tb\n', 'a: 1\n\tb: 2\n',
  'a: 1\n%YAML 1.1\n', 'key:value\n', 'a:  two spaces\n', 'a : b\n', 'a: b\nc: "d"\ne: \'f\'\n',
];

function check(text: string): void {
  const quick = flat.parse(text);
  if (quick === undefined) return;
  const theirs = full(text);
  expect(theirs, JSON.stringify(text)).not.toBe(FAILED);
  expect(quick, JSON.stringify(text)).toStrictEqual(theirs);
}

describe('yaml-flat answers only where the full parser agrees', () => {
  it.each(VALUES)('k: %j', (v) => check(v === '' ? 'k:\n' : `k: ${v}\n`));
  it.each(KEYS)('%j: v', (k) => check(`${k}: v\n`));
  it.each(DOCS)('%j', (d) => check(d));
  it('whole files of every value above, and without a final newline', () => {
    check(VALUES.map((v, i) => `k${i}: ${v}`).filter((l) => !l.endsWith(' ')).join('\n'));
    for (const v of VALUES) check(`first: 1\nk: ${v}`);
  });
});

describe('yaml-flat reads the files real inventories have', () => {
  it.each([
    'node_role: special\nrack_label: "{{ rack | upper }}"\n',
    'mtu: 1423\nnode_dns: "{{ zone_dns | default(\'10.0.0.53\') }}"\n',
    'zone_dns: 10.1.255.53\n',
    '# the database hosts\nansible_host: 192.168.1.20\nansible_user: deploy\nansible_port: 2222\nenable_istio: yes\nistio_tracing_sampling: 1.0\n',
    "istio_pilot_memory_request: 512Mi\nrole_name: \"{{ 'server' if group_names | length > 2 else 'agent' }}\"\n",
  ])('%j', (text) => {
    const quick = flat.parse(text);
    expect(quick).toBeDefined();
    expect(quick).toStrictEqual(full(text));
    expect(parseAnsibleYaml(text)).toStrictEqual(quick);
  });

  it('keeps what the full parser makes of timestamps and vault values (classes, not text)', () => {
    expect(flat.parse('t: 2024-01-02 10:11:12\n')).toStrictEqual({ t: new YamlTimestamp('2024-01-02T10:11:12', '2024-01-02 10:11:12') });
    expect(flat.parse('s: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n')).toBeUndefined();
    expect(parseAnsibleYaml('s: !vault |\n  x\n')).toStrictEqual({ s: new VaultText('x\n') });
  });

  it('leaves a key given twice to the full parser, which warns as Ansible does', () => {
    const warnings: string[] = [];
    expect(parseAnsibleYaml('a: 1\na: 2\n', { source: 'hv.yml', warnings })).toEqual({ a: 2 });
    expect(warnings).toEqual([expect.stringContaining('found a duplicate dict key (a)')]);
  });
});
