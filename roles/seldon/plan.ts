/**
 * Seldon Core v2 planning, pure: vars in, the namespace labels, the four Helm releases and the
 * NodePort Service out. Feeds both --plan (describe) and the run.
 *
 * The operator (setup chart) creates the `seldon-mesh` Service itself when it reconciles the
 * SeldonRuntime, with a port it picks; the role adds `seldon-mesh-nodeport`, selecting the same
 * envoy pods (`app: seldon-envoy`, container port 9000 `http`), on the NodePort the external load
 * balancers forward to (seldon_mesh_nodeport).
 */
import type { HelmReleaseSpec, KubeObject } from '../../lib/kube/types.ts';
import { MANAGED_BY, pinnedChart } from '../../lib/role-kit/index.ts';
import type { SeldonVars } from './vars.ts';

/** The setup chart's operator Deployment (a fixed name in the chart). */
export const SELDON_OPERATOR = 'seldon-v2-controller-manager';
export const SELDON_NODEPORT_SERVICE = 'seldon-mesh-nodeport';
/** The Services the operator creates when it reconciles the SeldonRuntime. */
export const SELDON_OPERATOR_SERVICES = ['seldon-mesh', 'seldon-scheduler'] as const;
/** Labels the operator gives the envoy pods (its seldon-mesh Service selects them by these). */
export const SELDON_ENVOY_SELECTOR = { app: 'seldon-envoy' } as const;
/** Envoy's data-plane port (REST and gRPC inference) in the SeldonConfig the setup chart ships. */
export const SELDON_ENVOY_PORT = 9000;

export type SeldonPart = 'crds' | 'setup' | 'runtime' | 'servers';
export const SELDON_PARTS: readonly SeldonPart[] = ['crds', 'setup', 'runtime', 'servers'];

export function seldonNamespaceLabels(vars: SeldonVars): Record<string, string> {
  return vars.enable_istio && vars.seldon_istio_injection ? { 'istio-injection': 'enabled' } : {};
}

const SETUP_COMPONENTS_WITHOUT_META = ['scheduler', 'pipelinegateway', 'modelgateway', 'dataflow', 'envoy', 'hodometer'];

function setupValues(vars: SeldonVars): Record<string, unknown> {
  return {
    // The chart renders these components' labels/annotations with toYaml of values it does not
    // define, i.e. `null`, which a real API server rejects for the SeldonConfig ("must be of type object").
    ...Object.fromEntries(SETUP_COMPONENTS_WITHOUT_META.map((c) => [c, { labels: {}, annotations: {} }])),
    controller: { clusterwide: false },
    services: { defaultServiceType: vars.seldon_mesh_service_type },
    ...(vars.seldon_kafka_bootstrap === undefined ? {} : { kafka: { bootstrap: vars.seldon_kafka_bootstrap } }),
  };
}

function runtimeValues(vars: SeldonVars): Record<string, unknown> {
  return {
    envoy: { serviceType: vars.seldon_mesh_service_type },
    scheduler: { serviceType: vars.seldon_mesh_service_type },
  };
}

function serversValues(vars: SeldonVars): Record<string, unknown> {
  return { mlserver: { replicas: vars.seldon_mlserver_replicas }, triton: { replicas: vars.seldon_triton_replicas } };
}

const VALUES: Record<SeldonPart, (vars: SeldonVars) => Record<string, unknown>> = {
  crds: () => ({}), setup: setupValues, runtime: runtimeValues, servers: serversValues,
};

/**
 * The runtime and servers charts render `podSpec: {{ toJson .Values.<c>.podSpec }}`, tracing,
 * Kafka and service settings of values they leave undefined, i.e. `null` (about twenty fields).
 * Helm 3 creates objects client-side (POST), where the API server drops a custom resource's nulls
 * before validating; helm 4 applies server-side by default, where the apply configuration is
 * converted to the CRD's typed schema first and a `null` string or object is refused
 * ("must be of type string"). Overriding each null with a value would set what Seldon's
 * SeldonConfig is meant to default, so these two releases are applied client-side under helm 4 too.
 */
const CLIENT_SIDE: ReadonlySet<SeldonPart> = new Set(['runtime', 'servers']);

/** Release `seldon-core-v2-<part>` of chart `seldon-core-v2-<part>`, all in seldon_namespace. */
export function seldonRelease(vars: SeldonVars, part: SeldonPart): HelmReleaseSpec {
  const name = `seldon-core-v2-${part}`;
  return {
    name,
    namespace: vars.seldon_namespace,
    chart: pinnedChart(vars.seldon_chart_repo, name, vars.seldon_version),
    values: VALUES[part](vars),
    createNamespace: true,
    wait: true,
    timeoutSeconds: vars.helm_timeout,
    ...(CLIENT_SIDE.has(part) ? { clientSideApply: true } : {}),
  };
}

/** The releases the vars ask for, in install order (the setup chart's SeldonConfig needs the CRDs). */
export function seldonReleases(vars: SeldonVars): HelmReleaseSpec[] {
  return SELDON_PARTS.filter((p) => p !== 'servers' || vars.seldon_install_servers).map((p) => seldonRelease(vars, p));
}

export function seldonNodePortService(vars: SeldonVars): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: SELDON_NODEPORT_SERVICE,
      namespace: vars.seldon_namespace,
      labels: { ...MANAGED_BY, 'app.kubernetes.io/part-of': 'seldon-core-v2' },
    },
    spec: {
      type: 'NodePort',
      selector: { ...SELDON_ENVOY_SELECTOR },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: SELDON_ENVOY_PORT, nodePort: vars.seldon_mesh_nodeport }],
    },
  };
}
