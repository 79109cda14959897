/** cert-manager role vars. */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { dns1123Label } from '../../lib/vars/types.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';

export const certManagerVars = defineVars({
  ...clusterVars,
  ...platform('enable_cert_manager'),
  cert_manager_version: {
    schema: z.string().regex(/^v\d+\.\d+\.\d+$/, { message: 'must be a chart version such as v1.21.1' }),
    default: 'v1.21.1', description: 'cert-manager Helm chart version (pinned)',
  },
  cert_manager_chart_repo: {
    schema: z.string().url(), default: 'https://charts.jetstack.io',
    description: 'Helm repository of the cert-manager chart (with helm_chart_dir set, taken from that directory)',
  },
  cert_manager_namespace: { schema: dns1123Label, default: 'cert-manager', description: 'Namespace of the release' },
});

export type CertManagerVars = VarsOf<typeof certManagerVars>;
