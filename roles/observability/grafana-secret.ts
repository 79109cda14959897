/**
 * The Secret Grafana reads its admin account from. The password comes from vault
 * (grafana_admin_password); without one it is generated once on the first run and read back from
 * the Secret after that, like the k3s token. Every password is registered as a secret before
 * anything could print it; the chart's values never hold it (release history, --plan).
 */
import { randomBytes } from 'node:crypto';
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import { objectMeta } from '../../lib/role-kit/index.ts';
import type { Task, TaskContext, TaskResult } from '../../lib/role.ts';
import { registerSecret } from '../../lib/secrets.ts';
import { GRAFANA_ADMIN_SECRET } from './releases.ts';
import type { ObservabilityVars } from './vars.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export function grafanaAdminSecret(v: ObservabilityVars, password: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Secret', metadata: objectMeta(GRAFANA_ADMIN_SECRET.name, v.observability_namespace), type: 'Opaque',
    data: { [GRAFANA_ADMIN_SECRET.userKey]: b64(v.grafana_admin_user), [GRAFANA_ADMIN_SECRET.passwordKey]: b64(password) },
  };
}

/** The password in the Secret on the cluster (registered as a secret), if any. */
export async function currentPassword(cluster: Cluster, v: ObservabilityVars): Promise<string | undefined> {
  return passwordIn(await readAdminSecret(cluster, v));
}

/** The admin Secret as it is on the cluster. */
export function readAdminSecret(cluster: Cluster, v: ObservabilityVars): Promise<KubeObject | undefined> {
  return cluster.get('v1', 'Secret', GRAFANA_ADMIN_SECRET.name, v.observability_namespace);
}

/** The password in the admin Secret (read already), registered as a secret; undefined without one. */
export function passwordIn(s: KubeObject | undefined): string | undefined {
  const data = (s as { data?: Record<string, string> } | undefined)?.data?.[GRAFANA_ADMIN_SECRET.passwordKey];
  if (!data) return undefined;
  const password = Buffer.from(data, 'base64').toString('utf8');
  registerSecret(password);
  return password;
}

async function run(ctx: TaskContext, v: ObservabilityVars): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const vaulted = v.grafana_admin_password;
  const password = vaulted ?? (await currentPassword(cluster, v)) ?? randomBytes(18).toString('base64url');
  registerSecret(password);
  const result = await cluster.apply([grafanaAdminSecret(v, password)], { check: ctx.check, diff: ctx.diff, ...(v.kube_apply_force ? { force: true } : {}) });
  const source = vaulted ? 'from vault' : result.status === 'changed' ? 'generated' : 'kept from the Secret';
  return { ...result, msg: `${v.observability_namespace}/${GRAFANA_ADMIN_SECRET.name}: admin password ${source}` };
}

export function grafanaSecretTask(name: string, v: ObservabilityVars, ordering: Pick<Task, 'concurrent' | 'after' | 'skipReason' | 'tags'>): Task {
  return {
    name, runOnce: true, ...ordering,
    describe: () => [{
      kind: 'note',
      text: `secret ${v.observability_namespace}/${GRAFANA_ADMIN_SECRET.name}: user ${v.grafana_admin_user}, password ${v.grafana_admin_password ? 'from vault' : 'generated on the first run, kept after'}`,
    }],
    run: (ctx) => run(ctx, v),
  };
}
