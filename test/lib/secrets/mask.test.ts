// lib/secrets.ts renderings and lib/secret-diff.ts: a secret is masked in every rendering of it,
// and a diff masks a line holding a secret on either side (its old value registered nowhere).
import { createTwoFilesPatch } from 'diff';
import { beforeEach, describe, expect, it } from 'vitest';
import { maskDiff, registerSecretLine } from '../../../lib/secret-diff.ts';
import { clearSecretsForTest, isSecret, mask, registerSecret } from '../../../lib/secrets.ts';

beforeEach(() => clearSecretsForTest());
const S = `it's "a" pa\\ss$w0rd`;

describe('every rendering of a secret is masked', () => {
  it.each([
    ['HAProxy / shell single quotes', `stats auth 'admin:${S.replace(/'/g, `'\\''`)}'`],
    ['JSON', JSON.stringify({ password: S })],
    ['YAML single-quoted', `password: '${S.replace(/'/g, "''")}'`],
    ['tmsh double-quoted', `password "${S.replace(/[\\"]/g, '\\$&')}"`],
    ['URL-encoded', `https://admin:${encodeURIComponent(S)}@lb:8404/`],
    ['base64 alone', Buffer.from(S).toString('base64')],
    ['base64 inside a longer blob (offset 1)', Buffer.from(`x${S}yz`).toString('base64')],
    ['base64 inside a longer blob (offset 2)', Buffer.from(`admin:${S}`).toString('base64')],
  ])('%s', (_what, text) => {
    registerSecret(S);
    expect(mask(text)).toContain('********');
    expect(mask(text)).not.toContain(S);
    const b64 = Buffer.from(S).toString('base64').slice(4, -4);
    if (text.includes(b64)) expect(mask(text)).not.toContain(b64);
  });

  it('isSecret answers for the value registered, not for its renderings', () => {
    registerSecret(S);
    expect(isSecret(S)).toBe(true);
    expect(isSecret(JSON.stringify(S).slice(1, -1))).toBe(false);
  });
});

describe('maskDiff', () => {
  const diff = (a: string, b: string): string => createTwoFilesPatch('f', 'f', a, b);

  it('masks the old value of a rotated secret on the removed line (the new one registered only)', () => {
    registerSecret('new-pass-1234');
    const d = maskDiff(diff('a\n  token: old-pass-9876\nb\n', 'a\n  token: new-pass-1234\nb\n'));
    expect(d).not.toContain('old-pass-9876');
    expect(d).toMatch(/^-  \*{8} \(a line holding a secret\)$/m);
    expect(d).toContain(' a\n');
  });

  it('masks a removed secret line of a declared shape although the new file has none', () => {
    registerSecretLine(/^\s*stats auth\s/);
    const d = maskDiff(diff('listen stats\n  stats auth admin:old-pass-9876\n', 'listen stats\n'));
    expect(d).not.toContain('old-pass-9876');
  });

  it('leaves lines with no secret as they are', () => {
    registerSecret('new-pass-1234');
    const d = maskDiff(diff('a\nb\n', 'a\nc\n'));
    expect(d).toContain('-b\n+c');
  });
});

describe('withoutRotatedSecrets (backups)', () => {
  it('replaces a rotated-out secret line by the current one, or drops it, and keeps the rest', async () => {
    const { withoutRotatedSecrets } = await import('../../../lib/secret-diff.ts');
    registerSecretLine(/^\s*stats auth\s/);
    const old = 'listen stats\n    stats auth admin:old-9876\n    bind *:8404\n';
    expect(withoutRotatedSecrets(old, 'listen stats\n    stats auth admin:new-1234\n')).toBe('listen stats\n    stats auth admin:new-1234\n    bind *:8404\n');
    expect(withoutRotatedSecrets(old, 'frontend x\n')).toBe('listen stats\n    bind *:8404\n');
  });
});
