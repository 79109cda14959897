/**
 * The platform vars the load balancer reads: which services are enabled, their NodePorts, the API
 * port and the k3s group names (k3s_server_group, k3s_agent_group: the nodes are their union, as
 * k3s-ansible's k3s_cluster group is). Declared once in lib/vars/platform.ts and read from a host's
 * resolved vars with those defaults, so lb-config works when only it is selected.
 */
import type { z } from 'zod';
import type { Problem } from '../errors.ts';
import { InputError } from '../errors.ts';
import { describeIssues } from '../vars/issues.ts';
import { platform } from '../vars/platform.ts';
import { parseVarValue } from '../vars/text.ts';
import type { LbVars } from './vars.ts';
import { lbVars } from './vars.ts';

const clusterVarDefs = platform(
  'enable_istio', 'enable_ingress_nginx', 'enable_seldon', 'metallb_state',
  'istio_gateway_http_nodeport', 'istio_gateway_https_nodeport', 'istio_gateway_status_nodeport',
  'ingress_nginx_http_nodeport', 'ingress_nginx_https_nodeport', 'seldon_mesh_nodeport',
  'api_port', 'k3s_server_group', 'k3s_agent_group',
);

type Defs = typeof clusterVarDefs;
export type ClusterVars = { readonly [K in keyof Defs]: z.infer<Defs[K]['schema']> };

/** Parse vars against defs with defaults; every problem at once (key, message). */
function parseWithDefaults(
  defs: Readonly<Record<string, { schema: z.ZodType; default?: unknown; optional?: boolean }>>,
  vars: Readonly<Record<string, unknown>>,
  sourceOf: (name: string) => string,
): { values: Record<string, unknown>; problems: Problem[] } {
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [name, def] of Object.entries(defs)) {
    const raw = vars[name] ?? def.default;
    if (raw === undefined) {
      if (!def.optional) problems.push({ file: sourceOf(name), key: name, message: 'is required; set it in group_vars' });
      continue;
    }
    const parsed = parseVarValue(def.schema, raw);
    if (parsed.success) values[name] = parsed.data;
    else for (const d of describeIssues(name, parsed.error.issues, raw)) problems.push({ file: sourceOf(name), ...d });
  }
  return { values, problems };
}

/** The cluster vars of one host's resolved vars, defaults applied. Throws InputError naming each bad key. */
export function readClusterVars(vars: Readonly<Record<string, unknown>>, sourceOf: (name: string) => string = () => ''): ClusterVars {
  const { values, problems } = parseWithDefaults(clusterVarDefs, vars, sourceOf);
  if (problems.length) throw new InputError(problems, 'invalid vars for the load balancer');
  return values as ClusterVars;
}

/** lb_* vars from raw vars (defaults applied), for callers outside the runner (tests, bench). */
export function readLbVars(vars: Readonly<Record<string, unknown>>, sourceOf: (name: string) => string = () => ''): LbVars {
  const { values, problems } = parseWithDefaults(lbVars, vars, sourceOf);
  if (problems.length) throw new InputError(problems, 'invalid load-balancer vars');
  return values as unknown as LbVars;
}
