// lib/steps with a prefetch: each step's probe is in lib/steps/reads.ts (one command answers a
// no-op run of every step), and a change makes the next step read the host again (COUNTING local transport).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDirectory, ensureLine, prefetch, putFile, reads, sysctl } from '../../../lib/steps/index.ts';
import { countingTransport, stepContext } from '../../support/counting-transport.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-steps-prefetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

describe('steps after a prefetch', () => {
  const sub = join(dir, 'etc');
  const file = join(sub, 'app.conf');
  const lines = join(dir, 'sysctl.conf');
  const steps = (ctx: ReturnType<typeof stepContext>) => [
    () => ensureDirectory(ctx, { path: sub, mode: 0o755 }),
    () => putFile(ctx, { path: file, content: 'a: 1\n', mode: 0o600 }),
    () => ensureLine(ctx, { path: lines, line: 'x = 1' }),
    () => sysctl(ctx, { name: 'kernel.ostype', value: 'Linux', file: lines }),
  ];
  const all = [
    ...reads.ensureDirectory({ path: sub }), ...reads.putFile({ path: file }), ...reads.ensureLine({ path: lines }),
    ...reads.sysctl({ name: 'kernel.ostype', file: lines }),
  ];

  it('a no-op of directory, file, line and sysctl steps is the prefetch alone: one command', async () => {
    const first = countingTransport();
    for (const step of steps(stepContext(first.t))) await step();
    expect(readFileSync(file, 'utf8')).toBe('a: 1\n');
    expect(mode(file)).toBe(0o600);
    const { t, sent } = countingTransport();
    const ctx = stepContext(t);
    await prefetch(ctx, all);
    const results = [];
    for (const step of steps(ctx)) results.push(await step());
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(sent, sent.join('\n---\n')).toHaveLength(1);
  });

  it('a write drops the rest: the steps after it read the host again and see the change', async () => {
    const { t, sent } = countingTransport();
    const ctx = stepContext(t);
    await prefetch(ctx, [...reads.putFile({ path: file }), ...reads.putFile({ path: file })]);
    expect((await putFile(ctx, { path: file, content: 'a: 2\n', mode: 0o600 })).status).toBe('changed');
    const after = sent.length;
    // answered from the host, not from the prefetch taken before the write
    expect((await putFile(ctx, { path: file, content: 'a: 2\n', mode: 0o600 })).status).toBe('ok');
    expect(sent.length).toBe(after + 1);
  });

  it('check mode writes nothing and the prefetched state still answers', async () => {
    const { t, sent } = countingTransport();
    const ctx = stepContext(t, { check: true });
    await prefetch(ctx, [...reads.putFile({ path: file }), ...reads.ensureDirectory({ path: join(dir, 'new') })]);
    expect((await putFile(ctx, { path: file, content: 'a: 3\n', mode: 0o600 })).status).toBe('changed');
    expect((await ensureDirectory(ctx, { path: join(dir, 'new') })).status).toBe('changed');
    expect(sent).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe('a: 2\n');
  });
});
