// Every role and playbook keeps the contract: names, tags, var tables, describe() offline.
import { describe, expect, it } from 'vitest';
import { sh, raw, posixQuote } from '../lib/shell.ts';
import { clearSecretsForTest, mask, maskDeep, registerSecret, SECRET_MASK } from '../lib/secrets.ts';
import { formatProblem, InputError } from '../lib/errors.ts';

describe('sh quoting', () => {
  it('quotes every interpolated value and each array element', () => {
    const evil = '$(touch /tmp/pwned); rm -rf x';
    expect(sh`echo ${evil}`.text).toBe(`echo $'$(touch /tmp/pwned); rm -rf x'`);
    expect(sh`ls ${['a b', 'c']}`.text).toBe(`ls $'a b' c`);
    expect(sh`${raw('set -e;')} true`.text).toBe('set -e; true');
    expect(sh`x ${sh`echo ${'a b'}`}`.text).toBe(`x echo $'a b'`);
  });
  it('posixQuote survives single quotes', () => {
    expect(posixQuote(`it's`)).toBe(`'it'\\''s'`);
  });
});

describe('secret masking', () => {
  it('masks registered secrets in text and nested values', () => {
    clearSecretsForTest();
    registerSecret('s3cr3t-token');
    expect(mask('token=s3cr3t-token;')).toBe(`token=${SECRET_MASK};`);
    expect(maskDeep({ a: ['x s3cr3t-token'] })).toEqual({ a: [`x ${SECRET_MASK}`] });
    registerSecret('ab'); // too short to mask safely
    expect(mask('ab')).toBe('ab');
    clearSecretsForTest();
  });
});

describe('problems', () => {
  it('formats file › key: message and counts them', () => {
    const e = new InputError([{ file: 'inventory/p/group_vars/all.yml', key: 'x', message: 'bad' }]);
    expect(formatProblem(e.problems[0]!)).toBe('inventory/p/group_vars/all.yml › x: bad');
    expect(e.message).toContain('1 problem\n');
  });
});
