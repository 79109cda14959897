/**
 * serving: the model-serving path's objects — cert-manager issuers and Certificates, ingress-nginx
 * Ingresses, Seldon Core v2 Models and Experiments — rendered from typed vars, validated offline
 * against the shipped CRD schemas (lib/objects/validate.ts), checked across entries (checks.ts),
 * server-side applied as members of their own ApplySet, pruned, and waited on until Ready (the
 * objects role's steps). Runs after the roles that install the CRDs and serve the solvers
 * (cert-manager, istio, nginx-ingress, seldon), under its own tag only: its one ApplySet holds every
 * part, and `--tags seldon` alone must not apply cert-manager objects whose CRDs are not there.
 * `--tags cert-manager,istio,nginx-ingress,seldon,serving` installs the path end to end.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { InputError, type Problem } from '../../lib/errors.ts';
import { describeObject } from '../../lib/kube/compare.ts';
import type { KubeObject } from '../../lib/kube/types.ts';
import { applyOrder } from '../../lib/objects/order.ts';
import type { SourcedObject } from '../../lib/objects/origin.ts';
import { validateObjects, type ValidObject } from '../../lib/objects/validate.ts';
import { defineRole, type PlanEntry, type RoleContext, type Task } from '../../lib/role.ts';
import { applyStep, pruneStep } from '../../lib/objects/applyset-steps.ts';
import { healthStep, type StepVars } from '../../lib/objects/health-step.ts';
import { backendProblems, declaredServices, manifestObjects } from './backends.ts';
import { servingProblems } from './checks.ts';
import { routeStep } from './route-step.ts';
import { certificateObject, experimentObject, ingressObjects, issuerObjects, modelObject } from './render.ts';
import { servingVars, type ServingVars } from './vars.ts';

/** Every serving object with its origin (`cert_manager_certificates[0]`), in the entries' order. */
export function servingSources(vars: ServingVars, sourceOf: (v: string) => string = () => ''): SourcedObject[] {
  const from = <T>(name: string, list: readonly T[], render: (e: T) => KubeObject[]) =>
    list.flatMap((e, i) => render(e).map((value) => ({ value, origin: { file: sourceOf(name), prefix: `${name}[${i}]` } })));
  return [
    ...from('cert_manager_cluster_issuers', vars.cert_manager_cluster_issuers, (e) => issuerObjects(vars, e)),
    ...from('cert_manager_certificates', vars.cert_manager_certificates, (e) => [certificateObject(e)]),
    ...from('ingress_nginx_ingresses', vars.ingress_nginx_ingresses, (e) => ingressObjects(e)),
    ...from('seldon_models', vars.seldon_models, (e) => [modelObject(vars, e)]),
    ...from('seldon_experiments', vars.seldon_experiments, (e) => [experimentObject(vars, e)]),
  ];
}

/** The serving objects validated against the bundle, in apply order; one InputError with every problem. */
export function servingObjects(vars: ServingVars, sourceOf: (v: string) => string = () => ''): ValidObject[] {
  const r = validateObjects(servingSources(vars, sourceOf), { defaultNamespace: '' });
  if (r.problems.length) throw new InputError(r.problems, 'invalid serving objects, nothing was applied');
  return applyOrder(r.objects);
}

const stepVars = (vars: ServingVars): StepVars => ({
  k8s_objects_applyset: vars.serving_applyset, k8s_objects_applyset_namespace: vars.serving_applyset_namespace,
  kube_apply_force: vars.kube_apply_force, k8s_objects_wait_timeout: vars.serving_wait_timeout,
});

/** The plan shows each object; a Secret (the CA key pair) by name only. */
function planEntries(objects: readonly ValidObject[]): PlanEntry[] {
  return objects.map((o): PlanEntry => (o.object.kind === 'Secret'
    ? { kind: 'note', text: `${describeObject(o.object)} (${o.origin.prefix}; data from vault, not shown)` }
    : { kind: 'manifest', description: `${describeObject(o.object)} (${o.origin.prefix})`, yaml: stringify(o.object).trimEnd() }));
}

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tasks(vars: ServingVars, ctx: RoleContext): Task[] {
  const hostVars = (ctx.playHosts[0] ?? ctx.host).vars;
  const backends = backendProblems(vars, declaredServices(vars, hostVars, manifestObjects(ctx, PROJECT_DIR)), ctx.sourceOf ?? (() => ''));
  if (backends.length) throw new InputError(backends, 'invalid serving objects, nothing was applied');
  const valid = servingObjects(vars, ctx.sourceOf);
  const objects = valid.map((o) => o.object);
  const sv = stepVars(vars);
  const skip = objects.length ? {} : { skipReason: 'no serving objects declared (cert_manager_*, ingress_nginx_ingresses, seldon_*)' };
  return [
    { name: 'serving apply', runOnce: true, ...skip, describe: () => planEntries(valid), run: (c) => applyStep(c, sv, objects) },
    {
      name: 'serving prune', runOnce: true,
      describe: () => [{ kind: 'note', text: `delete members of ApplySet configmap ${sv.k8s_objects_applyset_namespace}/${sv.k8s_objects_applyset} no longer declared` }],
      run: (c) => pruneStep(c, sv, objects),
    },
    {
      name: 'serving ready', runOnce: true, tags: ['verify'], ...skip,
      describe: () => [{ kind: 'note', text: `wait up to ${vars.serving_wait_timeout}s until each issuer, Certificate, Model and Experiment is Ready, then a verify table` }],
      run: (c) => healthStep(c, sv, objects),
    },
    {
      name: 'serving routes', runOnce: true, tags: ['verify'], ...skip,
      describe: () => [{ kind: 'note', text: 'verify: each Ingress and VirtualService route has an address or gateway and a backend with ready endpoints; the Seldon v2 inference and health paths are routed' }],
      run: (c) => routeStep(c, vars),
    },
  ];
}

export default defineRole({
  name: 'serving',
  usesCluster: true,
  description: 'The model-serving path: cert-manager issuers and Certificates, ingress-nginx Ingresses, Seldon Models and Experiments, Ready',
  tags: ['serving'],
  dependencies: ['cert-manager', 'istio', 'nginx-ingress', 'seldon'],
  vars: servingVars,
  validate: (vars, ctx): Problem[] => {
    const cross = servingProblems(vars, ctx.sourceOf);
    if (cross.length) return cross;
    try {
      servingObjects(vars, ctx.sourceOf);
      return [];
    } catch (err) {
      if (err instanceof InputError) return err.problems;
      throw err;
    }
  },
  tasks,
});
