// The verify rows that need a live process (roles/observability/live.ts liveRow, pure): each answer a
// component's pod gives through the port-forward becomes ok / FAIL naming what failed, and a pod that
// cannot be reached is a warn row saying so with the reason. Through kwok to stand-ins: dashboard-forward.int.test.ts.
import { describe, expect, it } from 'vitest';
import { liveRow, type LiveAnswer } from '../../../roles/observability/live.ts';

const at = (status: number, body: unknown): LiveAnswer => ({ reached: true, pod: 'p-1', status, body: typeof body === 'string' ? body : JSON.stringify(body) });
const target = (job: string, instance: string, health: string, lastError = '') => ({ labels: { job, instance }, health, lastError, scrapeUrl: `http://${instance}/metrics` });
const targets = (...t: unknown[]) => at(200, { status: 'success', data: { activeTargets: t } });

describe('live verify rows', () => {
  it.each([
    ['prometheus', targets(target('istiod', '10.1.0.4:15014', 'up'), target('kubernetes-pods', '10.1.0.9:15020', 'up')), 'ok', '2/2 up'],
    ['prometheus', targets(target('istiod', '10.1.0.4:15014', 'up'), target('kubernetes-pods', '10.1.0.9:15020', 'down', 'connection refused')), 'FAIL',
      '1 of 2 not up: kubernetes-pods 10.1.0.9:15020 down (connection refused)'],
    ['prometheus', targets(), 'FAIL', 'no active targets (scrape config?)'],
    ['prometheus', at(503, 'Service Unavailable'), 'FAIL', 'HTTP 503: Service Unavailable'],
    ['grafana', at(200, { status: 'OK', message: 'Successfully queried the Prometheus API.' }), 'ok', 'HTTP 200: OK Successfully queried the Prometheus API.'],
    ['grafana', at(400, { status: 'ERROR', message: 'Post "http://prometheus:9090/api/v1/query": dial tcp: connection refused' }), 'FAIL',
      'HTTP 400: ERROR Post "http://prometheus:9090/api/v1/query": dial tcp: connection refused'],
    ['grafana', at(401, { message: 'Invalid username or password' }), 'FAIL', 'HTTP 401: Invalid username or password'],
    ['kiali', at(200, ''), 'ok', 'HTTP 200'],
    ['jaeger', at(503, '{"status":"Server not available"}'), 'FAIL', 'HTTP 503'],
  ] as const)('%s answering %#: %s', (c, answer, result, actual) => {
    expect(liveRow(c, answer)).toMatchObject({ result, actual });
  });

  it('a pod that cannot be reached is a warn row with the reason, not a failure', () => {
    const row = liveRow('kiali', { reached: false, reason: 'kiali-7d9f:20001/kiali/healthz: no forward found for port 20001' });
    expect(row).toEqual({ check: 'kiali health', expected: 'HTTP 200', actual: 'not reachable here: kiali-7d9f:20001/kiali/healthz: no forward found for port 20001', result: 'warn' });
  });
});
