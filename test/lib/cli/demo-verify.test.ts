// The demo's verify rows (lib/cli/demo-verify.ts) as a pure function of the facts read from the
// API server and the answers that came back through HAProxy: each row can fail on its own, and
// the stand-in's answers are named as the stand-in's.
import { describe, expect, it } from 'vitest';
import { demoRows, table, type DemoAnswers, type DemoFacts } from '../../../lib/cli/demo-verify.ts';

const ready = (reason = 'StandIn') => ({ conditions: [{ type: 'Ready', status: 'True', reason }] });
const node = (name: string, status = 'True') => ({ metadata: { name, labels: { 'node.kubernetes.io/instance-type': 'k3s' } }, status: { conditions: [{ type: 'Ready', status }] } });
const NODES = ['server1', 'agent1', 'agent2'];
const stand = (n: string, path: string) => `k3s stand-in on ${n}: GET ${path} (port 32000)`;

function facts(): DemoFacts {
  return {
    k3sNodes: NODES.map((n) => node(n)),
    serving: {
      certificate: { metadata: { name: 'ml-tls-cert' }, status: { ...ready('Ready'), notAfter: '2027-03-02T12:00:00Z' } },
      certificateIssued: true,
      ingress: { metadata: { name: 'financial-mlops-ingress' }, spec: { rules: [{ host: 'financial-predictor.local', http: { paths: [{ path: '/v2', backend: { service: { name: 'seldon-mesh', port: { number: 80 } } } }] } }] } },
      virtualService: { metadata: { name: 'seldon-vs' }, spec: { hosts: ['financial-predictor.local'], gateways: ['istio-gateway/ml-gateway'], http: [{ route: [{ destination: { host: 'seldon-mesh', port: { number: 80 } } }] }] } },
      models: [{ metadata: { name: 'financial-predictor-a' }, status: ready() }, { metadata: { name: 'financial-predictor-b' }, status: ready() }],
      experiment: { metadata: { name: 'financial-ab-test-experiment' }, status: ready() },
    },
  };
}

function answers(): DemoAnswers {
  return {
    nodes: NODES, lb: 'lb1', gatewayExpected: 6,
    gateway: [...NODES, ...NODES].map((n) => `k3s stand-in on ${n}: GET / (port 31080)`),
    seldon: { health: [stand('agent1', '/v2/health/ready')], infer: [stand('agent2', '/v2/models/financial-ab-test-experiment/infer')] },
  };
}

const rowOf = (rows: ReturnType<typeof demoRows>, check: string) => rows.find((r) => r[0].startsWith(check));

describe('demo verify rows', () => {
  it('all ok: every row names what it saw, the stand-in answers as the stand-in', () => {
    const rows = demoRows(facts(), answers());
    expect(rows.map((r) => r[2])).toEqual(Array(11).fill('ok'));
    expect(rowOf(rows, 'certificate istio-gateway/ml-tls-cert')?.[1]).toBe('Ready=True (Ready), notAfter 2027-03-02T12:00:00Z, Secret ml-tls-cert holds tls.crt');
    expect(rowOf(rows, 'ingress seldon-mesh/financial-mlops-ingress')?.[1]).toBe('financial-predictor.local/v2 → seldon-mesh:80');
    expect(rowOf(rows, 'virtualservice seldon-mesh/seldon-vs')?.[1]).toBe('financial-predictor.local via istio-gateway/ml-gateway → seldon-mesh:80');
    expect(rowOf(rows, 'Seldon NodePort 32000 via HAProxy lb1:9000 (health)')?.[1]).toBe('GET /v2/health/ready answered by the k3s stand-in on agent1 (no model server runs here)');
    expect(rowOf(rows, 'Seldon NodePort 32000 via HAProxy lb1:9000 (inference)')?.[1]).toBe('POST /v2/models/financial-ab-test-experiment/infer answered by the k3s stand-in on agent2 (no model server runs here)');
    expect(table(rows)).toMatch(/^ {2}CHECK +ACTUAL +RESULT\n/);
  });

  it.each([
    ['k3s nodes Ready', (f: DemoFacts) => { f.k3sNodes[1] = node('agent1', 'False'); }, '2/3'],
    ['certificate istio-gateway/ml-tls-cert', (f: DemoFacts) => { f.serving!.certificate!.status = { conditions: [{ type: 'Ready', status: 'False', reason: 'DoesNotExist' }] }; }, 'Ready=False (DoesNotExist), Secret ml-tls-cert holds tls.crt'],
    ['certificate istio-gateway/ml-tls-cert', (f: DemoFacts) => { delete f.serving!.certificate; }, 'not found, Secret ml-tls-cert holds tls.crt'],
    ['certificate istio-gateway/ml-tls-cert', (f: DemoFacts) => { f.serving!.certificateIssued = false; }, 'Ready=True (Ready), notAfter 2027-03-02T12:00:00Z, Secret ml-tls-cert has no tls.crt'],
    ['ingress seldon-mesh/financial-mlops-ingress', (f: DemoFacts) => { f.serving!.ingress!.spec.rules = []; }, 'no routes'],
    ['virtualservice seldon-mesh/seldon-vs', (f: DemoFacts) => { delete f.serving!.virtualService; }, 'not found'],
    ['model seldon-mesh/financial-predictor-b', (f: DemoFacts) => { f.serving!.models[1] = { metadata: { name: 'financial-predictor-b' }, status: {} }; }, 'no Ready condition yet'],
    ['experiment seldon-mesh/financial-ab-test-experiment', (f: DemoFacts) => { delete f.serving!.experiment; }, 'not found'],
  ])('%s fails on its own when the cluster says so', (check, spoil, actual) => {
    const f = facts();
    spoil(f);
    const rows = demoRows(f, answers());
    expect(rowOf(rows, check)).toEqual([expect.any(String), actual, 'FAILED']);
    expect(rows.filter((r) => r[2] === 'FAILED')).toHaveLength(1);
  });

  it('answers through HAProxy that missed a node, or none from Seldon, fail their rows', () => {
    const a = answers();
    a.gateway = a.gateway.filter((g) => !g.includes('agent2'));
    a.seldon = { health: [], infer: a.seldon!.infer };
    const rows = demoRows(facts(), a);
    expect(rowOf(rows, 'HAProxy lb1:80 answered')).toEqual([expect.any(String), '4/6', 'FAILED']);
    expect(rowOf(rows, 'nodes reached through HAProxy')).toEqual([expect.any(String), 'server1, agent1', 'FAILED']);
    expect(rowOf(rows, 'Seldon NodePort 32000 via HAProxy lb1:9000 (health)')).toEqual([expect.any(String), 'GET /v2/health/ready: no answer from any node', 'FAILED']);
  });

  it('without the serving path: only the node and HAProxy rows', () => {
    const a = answers();
    delete a.seldon;
    expect(demoRows({ k3sNodes: facts().k3sNodes }, a).map((r) => r[0])).toEqual(['k3s nodes Ready (real API server)', 'HAProxy lb1:80 answered', 'nodes reached through HAProxy (NodePort 31080)']);
  });
});
