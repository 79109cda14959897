// lib/transport/prefetch.ts: many reads in one remote command, each answer used once and dropped by any change (over a counting local transport).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from '../../../lib/shell.ts';
import { batchCommand, parseBatch } from '../../../lib/transport/prefetch.ts';
import { countingTransport } from '../../support/counting-transport.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-prefetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prefetch', () => {
  it('answers each listed read once from one command, with its exit code, stdout and stderr', async () => {
    const { t, sent } = countingTransport();
    const a = sh`printf 'no newline'; echo oops >&2; exit 3`;
    const b = sh`echo ${'two words'}`;
    await t.prefetch!([{ cmd: a }, { cmd: b }, { cmd: b }]);
    expect(sent).toHaveLength(1);
    expect(await t.run(a, { readOnly: true })).toMatchObject({ code: 3, stdout: 'no newline', stderr: 'oops\n' });
    expect((await t.run(b, { readOnly: true })).stdout).toBe('two words\n');
    expect((await t.run(b, { readOnly: true })).stdout).toBe('two words\n');
    expect(sent).toHaveLength(1);
    // used up: the third asks the machine
    await t.run(b, { readOnly: true });
    expect(sent).toHaveLength(2);
  });

  it('answers only readOnly calls of the same text and become; must() throws on a prefetched failure as it would live', async () => {
    const { t, sent } = countingTransport();
    const c = sh`echo hi`;
    await t.prefetch!([{ cmd: c, become: false }, { cmd: sh`false`, become: false }]);
    expect(sent).toHaveLength(1);
    await t.run(c, { readOnly: true }); // become undefined is not false: runs
    await t.run(c, { become: false, env: { A: '1' }, readOnly: true }); // env: runs
    expect(sent).toHaveLength(3);
    expect((await t.run(c, { readOnly: true, become: false })).stdout).toBe('hi\n');
    await expect(t.must(sh`false`, { readOnly: true, become: false })).rejects.toThrow(/false/);
    expect(sent).toHaveLength(3);
  });

  it('file reads answer get(): content, and absent files as undefined', async () => {
    const { t, sent } = countingTransport();
    const path = join(dir, 'f.txt');
    writeFileSync(path, 'line\n\u0000binary');
    await t.prefetch!([{ file: path }, { file: join(dir, 'none') }, { file: dir }]);
    expect((await t.get(path))?.toString()).toBe('line\n\u0000binary');
    expect(await t.get(join(dir, 'none'))).toBeUndefined();
    expect(sent).toHaveLength(1);
    // a directory cannot be read that way: not kept, get() itself says why
    await expect(t.get(dir)).rejects.toThrow(/EISDIR/);
  });

  it('any other command, a put, or a new prefetch drops every answer', async () => {
    const { t, sent } = countingTransport();
    const c = sh`echo x`;
    const changes = { run: () => t.run(sh`true`), put: () => t.put(join(dir, 'p'), 'p'), prefetch: () => t.prefetch!([{ cmd: sh`echo other` }]) };
    for (const [what, change] of Object.entries(changes)) {
      await t.prefetch!([{ cmd: c }]);
      await change();
      const before = sent.length;
      await t.run(c, { readOnly: true });
      expect(sent.length, `after a ${what}`).toBe(before + 1);
    }
  });

  it('forgetPrefetched() drops every answer, also of a prefetch still running; changeCount() counts only calls that may change the host', async () => {
    const { t, sent } = countingTransport();
    const c = sh`echo x`;
    await t.prefetch!([{ cmd: c }]);
    t.forgetPrefetched!();
    await t.run(c, { readOnly: true });
    expect(sent).toHaveLength(2);
    const pending = t.prefetch!([{ cmd: sh`sleep 0.2` }, { cmd: c }]);
    t.forgetPrefetched!();
    await pending;
    await t.run(c, { readOnly: true });
    expect(sent).toHaveLength(4);
    expect(t.changeCount!()).toBe(0); // prefetches, answered and read-only calls, forgets
    await t.run(sh`true`);
    await t.put(join(dir, 'counted'), 'c');
    expect(t.changeCount!()).toBe(2);
  });

  it('a change while the prefetch runs keeps none of its answers', async () => {
    const { t, sent } = countingTransport();
    const c = sh`echo x`;
    const pending = t.prefetch!([{ cmd: sh`sleep 0.2` }, { cmd: c }]);
    await t.run(sh`true`);
    await pending;
    await t.run(c, { readOnly: true });
    expect(sent).toHaveLength(3);
  });

  it('a read whose output holds frame-like text is kept whole (the frame is a random nonce)', () => {
    const nonce = '__n__';
    const out = `${nonce} 0\nx ${'__m__'} rc 9\n\n${nonce} rc 0\n\n${nonce} end\n${nonce} 1\n\n${nonce} rc 2\nerr\n${nonce} end\n`;
    expect(parseBatch(out, 2, nonce)).toMatchObject([{ code: 0, stdout: 'x __m__ rc 9\n', stderr: '' }, { code: 2, stdout: '', stderr: 'err\n' }]);
    expect(parseBatch(`${nonce} 0\ntruncated`, 1, nonce)).toEqual([undefined]);
    expect(batchCommand([{ cmd: sh`echo ${"it's"}` }], nonce).text).toContain('eval');
  });
});
