/**
 * The Seldon Core v2 STAND-IN: no Seldon operator, scheduler or model server runs here (kwok
 * simulates the operator's Pod), so this does what they would report, through the API:
 * - for each SeldonRuntime, the operator's envoy: a `seldon-envoy` Deployment (kwok runs its Pod,
 *   the real endpoints controller fills the EndpointSlices) and the `seldon-mesh` Service
 *   selecting it (port 80 → envoy's 9000), owned by the SeldonRuntime as the operator's are;
 * - each Model and Experiment Ready=True for its generation, saying it was the stand-in.
 * Writes as the cluster admin with field manager `seldon-stand-in`.
 */
import { mergePatch, objectPath, stamp, together, watchClient, watchKind, type Obj, type StandIn, type StandInTarget } from './watch.ts';

const SELDON = 'mlops.seldon.io/v1alpha1';
export const SELDON_STAND_IN_MESSAGE = 'marked Ready by the Seldon stand-in (no Seldon scheduler or model server runs here)';
const MANAGER = 'seldon-stand-in';
const LABELS = { app: 'seldon-envoy', 'app.kubernetes.io/managed-by': MANAGER };

function owner(rt: Obj) {
  return [{ apiVersion: SELDON, kind: 'SeldonRuntime', name: rt.metadata.name, uid: rt.metadata['uid'], controller: true }];
}

/** The envoy Deployment and seldon-mesh Service the operator makes for a SeldonRuntime. */
export function envoyObjects(rt: Obj): Obj[] {
  const ns = rt.metadata.namespace!;
  const override = ((rt.spec?.['overrides'] ?? []) as { name: string; serviceType?: string }[]).find((x) => x.name === 'seldon-envoy');
  const meta = (name: string) => ({ name, namespace: ns, labels: LABELS, ownerReferences: owner(rt) });
  return [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('seldon-envoy'),
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'seldon-envoy' } },
        template: {
          metadata: { labels: LABELS },
          spec: { containers: [{ name: 'envoy', image: 'seldon-envoy-stand-in:none', ports: [{ name: 'http', containerPort: 9000 }] }] },
        },
      },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: meta('seldon-mesh'),
      spec: { type: override?.serviceType ?? 'ClusterIP', selector: { app: 'seldon-envoy' }, ports: [{ name: 'data', port: 80, targetPort: 9000, protocol: 'TCP' }] },
    },
  ];
}

async function markReady(t: StandInTarget, o: Obj): Promise<void> {
  const gen = o.metadata['generation'] as number | undefined;
  const conds = (o.status?.['conditions'] ?? []) as { type: string; observedGeneration?: number }[];
  if (conds.some((c) => c.type === 'Ready' && c.observedGeneration === gen)) return;
  const own = o.kind === 'Model' ? 'ModelReady' : 'ExperimentReady';
  const cond = (type: string) => ({ type, status: 'True', reason: 'StandIn', message: SELDON_STAND_IN_MESSAGE, lastTransitionTime: stamp(), observedGeneration: gen });
  await mergePatch(t, await objectPath(t, o, '/status'), { status: { conditions: [cond(own), cond('Ready')] } });
}

export function startSeldonStandIn(t: StandInTarget): StandIn {
  const api = watchClient(t);
  const runtimes = watchKind(api, SELDON, 'SeldonRuntime', async (rt) => {
    for (const obj of envoyObjects(rt)) {
      const path = await objectPath(t, obj);
      await t.api.must('PATCH', `${path}?fieldManager=${MANAGER}&force=true`, obj, { contentType: 'application/apply-patch+yaml' });
    }
  });
  const models = watchKind(api, SELDON, 'Model', (o) => markReady(t, o));
  const experiments = watchKind(api, SELDON, 'Experiment', (o) => markReady(t, o));
  return together([runtimes, models, experiments]);
}
