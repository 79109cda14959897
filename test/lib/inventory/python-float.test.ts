// Floats in --list as ansible-inventory prints them (Python's repr: 1.0, 1e-05, 1e+16), from YAML and INI, while a run reads the plain number (python-float.ts); ansible-list.int.test.ts compares with the real one.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAnsibleJson, loadInventory, resolveHost } from '../../../lib/inventory/index.ts';
import { pythonFloatRepr } from '../../../lib/inventory/python-float.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-python-float-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('pythonFloatRepr', () => {
  // each right-hand side is what python3 -c 'print(repr(x))' printed
  it.each([
    [1.0, '1.0'], [1e16, '1e+16'], [1e-5, '1e-05'], [0.1, '0.1'], [123456789.0, '123456789.0'], [1.5e300, '1.5e+300'], [-0.0, '-0.0'],
    [1e15, '1000000000000000.0'], [0.0001, '0.0001'], [2.5e-7, '2.5e-07'], [1234.5678, '1234.5678'], [-3.0, '-3.0'], [1e22, '1e+22'],
    [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'], [0.3333333333333333, '0.3333333333333333'], [100.0, '100.0'],
    [12345678901234567.0, '1.2345678901234568e+16'],
  ])('%d → %s', (n, text) => {
    expect(pythonFloatRepr(n)).toBe(text);
  });
});

describe('an inventory\'s floats', () => {
  it('print in --list as Python prints them and read as numbers in a run', async () => {
    const root = join(tmp, 'floats');
    const files = {
      hosts: '[web]\nw1 ratio=1.0 small=1e-05 plain=0.5 count=3 hex=0x1e\n[web:vars]\nweight=2.0\n',
      'group_vars/web.yml': 'sampling: 1.0\nbig: 1.0e+16\nhalf: 0.5\nint: 1\nlist: [1.0, 2]\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    const inv = await loadInventory(root, { projectDir: tmp });
    const printed = formatAnsibleJson(inv.toAnsibleHost('w1'));
    for (const line of ['"ratio": 1.0', '"small": 1e-05', '"plain": 0.5', '"count": 3', '"hex": 30', '"weight": 2.0', '"sampling": 1.0', '"big": 1e+16', '"half": 0.5', '"int": 1']) {
      expect(printed).toContain(line);
    }
    expect(printed).toMatch(/"list": \[\s+1\.0,\s+2\s+\]/);
    expect(formatAnsibleJson(inv.toAnsibleList())).toContain('"sampling": 1.0');
    const vars = resolveHost(inv, 'w1');
    expect([vars.get('ratio'), vars.get('sampling'), vars.get('big'), vars.get('weight'), vars.get('list')]).toEqual([1, 1, 1e16, 2, [1, 2]]);
    expect(typeof vars.get('sampling')).toBe('number');
  });
});
