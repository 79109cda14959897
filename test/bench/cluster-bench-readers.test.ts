// The cluster benches' readers (bench/support): --profile's table read back as printed, audit writes split into persisted / run lock / dry run, the recap's totals and the task timeline from --json events.
import { describe, expect, it } from 'vitest';
import { capstanRecap, parseProfile, timeline } from '../../bench/support/capstan-events.ts';
import { countWrites } from '../../bench/support/cluster.ts';
import { profile } from '../../lib/report/profile.ts';
import type { AuditWrite } from '../../lib/lab/cluster/audit.ts';

describe('parseProfile', () => {
  it('reads back what --profile prints: phases and every item with count and seconds', () => {
    profile.reset();
    profile.phase('tasks', performance.now() - 1500);
    profile.add('api read', 250);
    profile.add('api read', 250);
    const p = parseProfile(`some warning\n${profile.text()}`);
    expect(p.phases['tasks']).toBeCloseTo(1.5, 1);
    expect(p.items['api read']).toEqual({ count: 2, seconds: 0.5 });
    expect(p.items['helm process']).toEqual({ count: 0, seconds: 0 });
    expect(Object.keys(p.items)).toContain('ssh connect');
  });

  it('fails when capstan printed no table', () => {
    expect(() => parseProfile('Error: boom')).toThrow(/no --profile table/);
  });
});

const write = (verb: string, uri: string, dryRun = false): AuditWrite =>
  ({ user: 'capstan', verb, uri, code: 200, dryRun, resource: '', namespace: undefined, name: undefined });

describe('countWrites', () => {
  it('sets the run lock\'s Lease requests and dry runs apart from what persisted', () => {
    const w = countWrites([
      write('create', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?fieldManager=capstan'),
      write('delete', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/capstan-run'),
      write('patch', '/api/v1/namespaces/x?fieldManager=capstan&dryRun=All', true),
      write('patch', '/api/v1/namespaces/x?fieldManager=capstan'),
    ]);
    expect(w).toEqual({ persisted: ['patch /api/v1/namespaces/x?fieldManager=capstan 200'], lock: 2, dryRun: 1 });
  });
});

const ev = (ms: number, e: Record<string, unknown>) => JSON.stringify({ version: 1, time: new Date(Date.UTC(2026, 11, 2, 12, 0, 0, ms)).toISOString(), ...e });

describe('capstan --json readers', () => {
  const out = [
    ev(0, { type: 'run_start' }),
    ev(100, { type: 'task_start', role: 'istio', task: 'istiod', hosts: ['h'] }),
    ev(2100, { type: 'span', role: 'istio', task: 'istiod', kind: 'helm', name: 'istio-system/istiod', duration_ms: 1500, failed: false }),
    ev(2200, { type: 'task_end', role: 'istio', task: 'istiod', duration_ms: 2100 }),
    ev(2300, { type: 'recap', hosts: { a: { ok: 3, changed: 1, failed: 0 }, b: { ok: 1, changed: 0, failed: 0 } }, duration_ms: 2300, exit_code: 0 }),
  ].join('\n');

  it('sums the recap over hosts', () => {
    expect(capstanRecap(out)).toEqual({ ok: 4, changed: 1, failed: 0 });
    expect(() => capstanRecap('{"type":"run_start","time":"x"}')).toThrow(/no recap/);
  });

  it('lays out each task with its spans, offsets from the first task', () => {
    const t = timeline(out);
    expect(t).toContain('| istio/istiod | 0.00 s | 2.10 s | 2.10 s | helm istio-system/istiod 0.50 s–2.00 s |');
    expect(t).toMatch(/\(run, from start to recap\) \| \| 2\.20 s/);
  });
});
