/** Test helpers: a PlatformView (platform vars with defaults, and the site playbook's real roles) without the runner. */
import type { PlatformView, Role } from '../../lib/role.ts';
import { platformVars, type PlatformVars } from '../../lib/vars/platform.ts';
import { readWithDefaults } from '../../lib/vars/read-defaults.ts';
import certManager from '../../roles/cert-manager/index.ts';
import istio from '../../roles/istio/index.ts';
import metallb from '../../roles/metallb/index.ts';
import nginxIngress from '../../roles/nginx-ingress/index.ts';
import observability from '../../roles/observability/index.ts';
import seldon from '../../roles/seldon/index.ts';

/** The cluster-service roles of playbooks/site.ts, in its order (the ones that expose or replace something). */
export const SITE_SERVICE_ROLES: readonly Role[] = [metallb, certManager, istio, nginxIngress, seldon, observability] as unknown as Role[];

/** Platform vars from raw vars (only the platform's names are read), defaults applied. */
export function platformOf(vars: Readonly<Record<string, unknown>> = {}): PlatformVars {
  return readWithDefaults<PlatformVars>(platformVars, vars, 'invalid platform vars');
}

export function platformView(vars: Readonly<Record<string, unknown>> = {}, roles: readonly Role[] = SITE_SERVICE_ROLES): PlatformView {
  return { platform: platformOf(vars), platformRoles: roles };
}
