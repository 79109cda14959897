// F5 AS3 declaration and tmsh commands from the load-balancer model, checked against the AS3 schema.
import { describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { as3Declaration } from '../lib/lb/f5-as3.ts';
import { f5Objects } from '../lib/lb/f5-objects.ts';
import { tmshCommands } from '../lib/lb/f5-tmsh.ts';
import { AS3_FILE, f5Settings, generateLb, TMSH_FILE } from '../lib/lb/generate.ts';
import { buildModel } from '../lib/lb/model.ts';
import { as3DanglingPointers, as3Validator } from './fixtures/lb/as3-validator.ts';
import { lbInputFromInventory } from './fixtures/lb/inventory.ts';
import { syntheticInput, variations } from './fixtures/lb/variations.ts';

type Json = Record<string, Record<string, unknown>>;

function objectsOf(vars: Record<string, unknown>, nodes: number) {
  const input = syntheticInput(nodes, vars);
  const model = buildModel(input);
  return { model, objects: f5Objects(model, f5Settings(input.vars)!) };
}

function appOf(decl: Record<string, unknown>): Json {
  const adc = decl.declaration as Record<string, Record<string, unknown>>;
  return adc.financial_mlops!.k8s_ingress as Json;
}

describe('F5 AS3 declaration', () => {
  it.each(variations('/etc/haproxy/site.pem').map((v) => [v.label, v] as const))('%s validates against the AS3 3.56.0 schema', (_l, v) => {
    const { model, objects } = objectsOf(v.vars, v.nodes);
    const decl = as3Declaration(objects, 'capstan-test');
    const validate = as3Validator();
    expect(validate(decl), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(as3DanglingPointers(decl as never)).toEqual([]);
    const app = appOf(decl);
    for (const b of model.backends) {
      const pool = app[b.name.replace(/-/g, '_')]!;
      const members = pool.members as { servicePort: number; serverAddresses: string[] }[];
      expect(members.flatMap((m) => m.serverAddresses.map((a) => `${a}:${m.servicePort}`))).toEqual(b.members.map((m) => `${m.address}:${m.port}`));
    }
    const services = Object.values(app).filter((o) => String(o.class).startsWith('Service_'));
    expect(services.map((s) => s.virtualPort).sort()).toEqual(model.frontends.flatMap((f) => f.binds.map((b) => b.port)).sort());
  });

  it('the validator rejects a wrong declaration (it can fail)', () => {
    const { objects } = objectsOf({ f5_virtual_address: '192.0.2.10' }, 3);
    const decl = as3Declaration(objects, 'capstan-test');
    const app = appOf(decl);
    (app.financial_mlops as Record<string, unknown>).loadBalancingMode = 'roundrobin';
    expect(as3Validator()(decl)).toBe(false);
    delete app.financial_mlops;
    expect(as3DanglingPointers(decl as never)).toEqual(['financial_mlops (Pool)']);
  });

  it('maps health checks and TLS termination to monitors, TLS_Server and an HTTPS service', () => {
    const { objects } = objectsOf({ f5_virtual_address: '192.0.2.10', lb_https_mode: 'terminate', lb_tls_certificate: '/x.pem', lb_http_redirect: true }, 2);
    const app = appOf(as3Declaration(objects, 'x'));
    expect(app.financial_mlops_monitor).toMatchObject({ class: 'Monitor', monitorType: 'http', targetPort: 31021 });
    expect(app.financial_mlops_frontend_443).toMatchObject({ class: 'Service_HTTPS', virtualPort: 443, serverTLS: 'tls_server', redirect80: false });
    expect(app.financial_mlops_frontend_80).toMatchObject({ class: 'Service_HTTP', iRules: [{ bigip: '/Common/_sys_https_redirect' }] });
    expect(app.tls_certificate).toMatchObject({ certificate: { bigip: '/Common/default.crt' } });
  });
});

describe('tmsh commands', () => {
  it('create the same pools, members, monitors and virtual servers as the declaration', () => {
    const { model, objects } = objectsOf({ f5_virtual_address: '192.0.2.10', f5_api_virtual_address: '192.0.2.11', enable_seldon: true, lb_balance: 'leastconn' }, 4);
    const text = tmshCommands(objects);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('create ltm pool '))).toHaveLength(model.backends.length);
    expect(lines.filter((l) => l.startsWith('create ltm virtual '))).toHaveLength(model.frontends.length);
    expect(lines.filter((l) => l.startsWith('create ltm monitor http '))).toHaveLength(1);
    expect(text).toContain('destination /financial_mlops/192.0.2.11:6443');
    expect(text).toContain('load-balancing-mode least-connections-member');
    expect(text).toContain('/financial_mlops/10.20.0.4:31080 { address 10.20.0.4 description "node4" }');
    expect(lines.indexOf('create cli transaction')).toBeLessThan(lines.indexOf('submit cli transaction'));
  });
});

describe('F5 files from the inventory', () => {
  it('refuse members without an IP address (AS3 wants IPs), naming the host', () => {
    const input = syntheticInput(2, { f5_virtual_address: '192.0.2.10' });
    const err = (() => { try { generateLb({ ...input, hostvars: { node1: { ansible_host: 'node1.example.org' } } }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems.map((p) => p.host)).toEqual(['node1', 'node2']);
  });

  it('are written only when f5_virtual_address is set, with a note saying so', async () => {
    const without = await lbInputFromInventory('production', { f5_virtual_address: null });
    const plain = generateLb({ ...without.input, vars: { ...without.input.vars, f5_virtual_address: undefined } });
    expect(plain.files.map((f) => f.name)).toEqual(['haproxy.cfg']);
    expect(plain.notes.join()).toMatch(/set f5_virtual_address/);
    const { input } = await lbInputFromInventory('homelab', { f5_virtual_address: '192.0.2.10' });
    const out = generateLb(input);
    expect(out.files.map((f) => f.name)).toEqual(['haproxy.cfg', AS3_FILE, TMSH_FILE]);
    expect(as3Validator()(JSON.parse(out.files[1]!.content))).toBe(true);
  });
});
