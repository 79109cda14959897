// Generated docs (docs/variables.md, the sample inventory) match the role schemas; npm run doc.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { docMain, generatedDocs } from '../lib/cli/doc.ts';
import { defineRole } from '../lib/role.ts';
import { roleDoc, sampleGroupVars, typeName, variablesMarkdown } from '../lib/vars/docs.ts';
import * as t from '../lib/vars/types.ts';

const projectDir = resolve(import.meta.dirname, '..');

async function doc(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await docMain(argv, { stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } }, projectDir, cwd: projectDir, env: {} });
  return { code, out, err };
}

describe('docs from the role schemas', () => {
  it('checked-in docs/variables.md and inventory/sample/ are what npm run doc -- --write generates', async () => {
    const generated = await generatedDocs(projectDir);
    for (const [rel, content] of Object.entries(generated)) {
      expect(readFileSync(join(projectDir, rel), 'utf8'), `${rel} is stale: run npm run doc -- --write`).toBe(content);
    }
  });

  it('the generated sample inventory validates cleanly', async () => {
    const { playMain } = await import('../lib/cli/play.ts');
    let err = '';
    const sink = { write: (s: string) => { err += s; } };
    const code = await playMain(['-i', 'sample', '--list-tasks'], { stdout: { write: () => {} }, stderr: sink, projectDir, cwd: projectDir, env: {} });
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('names types the way users know them', () => {
    expect(typeName(t.nodePort)).toBe('NodePort (30000-32767)');
    expect(typeName(z.array(t.dns1123Label))).toBe('list of DNS-1123 label');
    expect(typeName(t.state)).toBe('"present" | "absent"');
    expect(typeName(z.array(z.object({ name: z.string(), addresses: z.array(t.poolAddress) })))).toBe('list of map {name, addresses}');
  });

  const role = defineRole({
    name: 'demo', description: 'A demo role.', tags: ['demo'],
    vars: {
      demo_port: { schema: t.nodePort, default: 31080, description: 'The port.' },
      demo_name: { schema: z.string(), description: 'The name.', example: 'web' },
      demo_token: { schema: z.string(), optional: true, secret: true, description: 'A token.' },
    },
    tasks: () => [],
  });

  it('prints a role like ansible-doc, a markdown table, and a sample with required and optional blocks', () => {
    const text = roleDoc(role);
    expect(text).toContain('> DEMO    (roles/demo)');
    expect(text).toMatch(/- demo_port\n {8}The port\.\n {8}default: 31080\n {8}type: NodePort \(30000-32767\)/);
    expect(text).toMatch(/= demo_name\n/);
    expect(variablesMarkdown([role])).toContain('| `demo_port` | NodePort (30000-32767) | `31080` | The port. |');
    const sample = sampleGroupVars([role]);
    const [required, optional] = sample.split('# ===== Optional');
    expect(required).toContain('\ndemo_name: web\n');
    expect(optional).toContain('\n# demo_port: 31080\n');
  });

  it('npm run doc -- <role> prints the real role; a wrong name gets a suggestion and exit 5', async () => {
    const r = await doc('istio');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/- istio_gateway_http_nodeport\n.*\n {8}default: 31080\n {8}type: NodePort/);
    const bad = await doc('isito');
    expect(bad.code).toBe(5);
    expect(bad.err).toMatch(/did you mean istio\?/);
  });
});
