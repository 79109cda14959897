// haproxy.cfg for a table of variations passes Debian's haproxy -c; the production snapshot.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLb, haproxyConfig, HAPROXY_FILE } from '../lib/lb/generate.ts';
import { sh } from '../lib/shell.ts';
import { localTransport } from '../lib/transport/local.ts';
import { lbInputFromInventory, PROJECT_DIR } from './fixtures/lb/inventory.ts';
import { selfSignedPem } from './fixtures/lb/tls.ts';
import { syntheticInput, variations } from './fixtures/lb/variations.ts';

const work = mkdtempSync(join(tmpdir(), 'capstan-haproxy-config-'));
const local = localTransport();
let cert = '';

/** Debian's haproxy -c on the text; returns its exit code and its own message. */
async function haproxyCheck(name: string, text: string): Promise<{ code: number | null; out: string }> {
  const file = join(work, `${name.replace(/[^a-z0-9]+/gi, '-')}.cfg`);
  writeFileSync(file, text);
  const r = await local.run(sh`haproxy -c -f ${file}`);
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

beforeAll(async () => {
  cert = await selfSignedPem(work);
});

describe('haproxy.cfg passes Debian haproxy -c', () => {
  it.each(variations('CERT').map((v) => [v.label, v] as const))('%s', async (_label, v) => {
    const vars = JSON.parse(JSON.stringify(v.vars).replaceAll('"CERT"', JSON.stringify(cert))) as Record<string, unknown>;
    const { model, text } = haproxyConfig(syntheticInput(v.nodes, vars));
    const check = await haproxyCheck(v.label, text);
    expect(check.out).toContain('Configuration file is valid');
    expect(check.code).toBe(0);
    for (const b of model.backends) {
      const section = text.slice(text.indexOf(`\nbackend ${b.name}\n`)).split('\n\n')[0]!;
      expect(section).toContain(`balance ${b.balance}`);
      expect(section.match(/^ {4}server .* check\b/gm)).toHaveLength(b.members.length);
      expect(section.includes('send-proxy-v2')).toBe(b.proxyProtocol);
    }
    expect(text.includes('\nlisten stats\n')).toBe(model.stats !== undefined);
    expect(text.includes(' ssl crt ')).toBe(vars.lb_https_mode === 'terminate');
  });

  it('fails when the config is broken (the check can fail)', async () => {
    const { text } = haproxyConfig(syntheticInput(2, {}));
    const check = await haproxyCheck('broken', text.replace('balance roundrobin', 'balance nosuchalgorithm'));
    expect(check.code).not.toBe(0);
    expect(check.out).toMatch(/balance only supports/);
  });
});

const SHIPPED = ['production', 'homelab'];

describe('shipped inventories', () => {
  it.each(SHIPPED)('inventory/%s gives a valid haproxy.cfg', async (name) => {
    expect(existsSync(join(PROJECT_DIR, 'inventory', name)), `inventory/${name} is shipped`).toBe(true);
    const { input, dir } = await lbInputFromInventory(name);
    const { model, text } = haproxyConfig(input, dir);
    expect(model.backends[0]!.members.length).toBeGreaterThan(0);
    const check = await haproxyCheck(name, text);
    expect(check.out).toContain('Configuration file is valid');
  });

  it('production: reviewed snapshot of haproxy.cfg, as3.json and f5-tmsh.txt', async () => {
    const { input, dir } = await lbInputFromInventory('production', { f5_virtual_address: '192.168.1.250' });
    const out = generateLb(input, dir);
    for (const f of out.files) {
      await expect(f.content).toMatchFileSnapshot(`fixtures/lb/snapshots/production/${f.name}`);
    }
    expect(out.files.map((f) => f.name)).toContain(HAPROXY_FILE);
  });
});
