// lib/steps/path-probe.ts: many path probes merged into one stat and one sha256sum answer exactly
// what each probe prints alone, or nothing (then each runs on its own); on this machine (COUNTING local transport).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathProbe, splitMerged } from '../../../lib/steps/path-probe.ts';
import { localTransport } from '../../../lib/transport/local.ts';
import { countingTransport } from '../../support/counting-transport.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-path-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = (name: string) => join(dir, name);
mkdirSync(p('dir'));
writeFileSync(p('file'), 'content\n');
writeFileSync(p('empty'), '');
writeFileSync(p("odd name\\with\nnewline 'and' quotes"), 'x');
symlinkSync(p('file'), p('link-to-file'));
symlinkSync(p('nowhere'), p('dangling'));
symlinkSync(p('dir'), p('link-to-dir'));

const table = [
  ['absent', false], ['absent', true], ['dir', false], ['dir', true], ['file', false], ['file', true], ['empty', true],
  ["odd name\\with\nnewline 'and' quotes", true], ['link-to-file', true], ['dangling', true], ['link-to-dir', true], ['dir/../file', true],
] as const;

describe('path probes merged', () => {
  it('one command answers every probe with exactly what it prints alone', async () => {
    const alone = localTransport({ host: 'alone' });
    const probes = table.map(([name, checksum]) => pathProbe(p(name), { checksum }));
    const expected = await Promise.all(probes.map((r) => alone.run(r.cmd)));
    const { t, sent } = countingTransport();
    await t.prefetch!(probes);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.match(/\bstat -c/g)).toHaveLength(1);
    expect(sent[0]!.match(/\bsha256sum --/g)).toHaveLength(1);
    for (const [i, r] of probes.entries()) {
      const got = await t.run(r.cmd, { readOnly: true });
      expect({ code: got.code, stdout: got.stdout, stderr: got.stderr }, table[i]!.join(' ')).toEqual({ code: expected[i]!.code, stdout: expected[i]!.stdout, stderr: expected[i]!.stderr });
    }
    expect(sent).toHaveLength(1);
  });

  it('answers nothing when the merged output is not what it expects (then each probe reads for itself)', () => {
    const items = [{ path: '/a', checksum: true }, { path: '/b', checksum: false }];
    const ok = { code: 0, stdout: 'fn\nregular file|644|root|root\ndirectory|755|root|root\nabc  /a\n', stderr: '', timedOut: false, durationMs: 1 };
    expect(splitMerged(items, ok).map((r) => r?.stdout)).toEqual(['regular file|644|root|root\nabc  /a\n', 'directory|755|root|root\n']);
    const bad = [
      { ...ok, code: 1 }, { ...ok, stderr: 'stat: cannot statx\n' }, { ...ok, stdout: 'fn\nregular file|644|root|root\nabc  /a\n' },
      { ...ok, stdout: 'f\nregular file|644|root|root\nabc  /a\n' }, { ...ok, stdout: 'xn\n1\n2\n' }, { ...ok, stdout: ok.stdout.slice(0, -1) },
    ];
    for (const r of bad) expect(splitMerged(items, r), JSON.stringify(r)).toEqual([undefined, undefined]);
  });

  it('a single probe is not merged: it runs as its own command', async () => {
    const { t, sent } = countingTransport();
    await t.prefetch!([pathProbe(p('file'), { checksum: true })]);
    expect(sent[0]).not.toContain('s+=(');
    expect((await t.run(pathProbe(p('file'), { checksum: true }).cmd, { readOnly: true })).stdout).toMatch(/^regular file\|/);
    expect(sent).toHaveLength(1);
  });
});
