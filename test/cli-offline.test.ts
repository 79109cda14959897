// npm run play offline modes (--plan, --list-*) open no socket and load no cluster client.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const projectDir = resolve(import.meta.dirname, '..');
const node = resolve(projectDir, 'node_modules/.bin/node');
const trace = resolve(import.meta.dirname, 'fixtures/runner/trace-offline.ts');

/** Run the real CLI in its own process with the tracing preload; returns exit code, stdout and the trace. */
async function traced(...argv: string[]) {
  const r = await promisify(execFile)(node, ['--import', trace, 'lib/cli/play.ts', ...argv], { cwd: projectDir, timeout: 30_000 })
    .then((x) => ({ ...x, code: 0 }), (e: { code: number; stdout: string; stderr: string }) => e);
  const line = r.stderr.split('\n').find((l) => l.startsWith('TRACE '));
  return { code: r.code, stdout: r.stdout, trace: JSON.parse(line!.slice(6)) as { modules: string[]; connects: string[] } };
}

describe('offline paths open nothing and load no connection code', () => {
  it.concurrent.each([
    [['--plan']],
    [['--tags', 'istio', '--list-tasks']],
  ])('npm run play -- -i production %j', async (flags) => {
    const r = await traced('-i', 'production', ...flags);
    expect(r.code).toBe(0);
    expect(r.trace.connects).toEqual([]);
    const loaded = r.trace.modules.filter((m) => /ssh2|@kubernetes\/client-node|kube\/index|transport\/ssh/.test(m));
    expect(loaded).toEqual([]);
    expect(r.trace.modules.some((m) => m.includes('runner/index'))).toBe(true); // the trace works
  });
});
