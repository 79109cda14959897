/** Seldon Core v2 role vars; enable_seldon, enable_istio and seldon_mesh_nodeport are platform vars (lib/vars/platform.ts). */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { dns1123Label } from '../../lib/vars/types.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';

export const seldonVars = defineVars({
  ...clusterVars,
  ...platform('enable_seldon', 'enable_istio', 'seldon_mesh_nodeport'),
  seldon_version: {
    schema: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'must be a chart version such as 2.10.2' }),
    default: '2.10.2', description: 'Version of the four Seldon Core v2 charts (crds, setup, runtime, servers), pinned',
  },
  seldon_chart_repo: {
    schema: z.string().url(), default: 'https://seldonio.github.io/helm-charts',
    description: 'Helm repository of the Seldon Core v2 charts (with helm_chart_dir set, taken from that directory)',
  },
  seldon_namespace: { schema: dns1123Label, default: 'seldon-mesh', description: 'Namespace of the operator, the runtime and the servers' },
  seldon_mesh_service_type: {
    schema: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']), default: 'ClusterIP',
    description: 'Type of the seldon-mesh and seldon-scheduler Services the operator creates (external traffic uses seldon-mesh-nodeport)',
  },
  seldon_istio_injection: {
    schema: z.boolean(), default: true,
    description: 'Label the Seldon namespace istio-injection=enabled when enable_istio is true',
  },
  seldon_install_servers: {
    schema: z.boolean(), default: true,
    description: 'Install the seldon-core-v2-servers release (one MLServer and one Triton Server)',
  },
  seldon_mlserver_replicas: { schema: z.number().int().min(0), default: 1, description: 'Replicas of the MLServer Server' },
  seldon_triton_replicas: { schema: z.number().int().min(0), default: 1, description: 'Replicas of the Triton Server' },
  seldon_kafka_bootstrap: {
    schema: z.string().min(1), optional: true,
    description: 'Kafka bootstrap servers (host:port) for pipelines; unset: the chart\'s default, seldon-kafka-bootstrap.seldon-mesh:9092',
    example: 'kafka-bootstrap.kafka:9092',
  },
});

export type SeldonVars = VarsOf<typeof seldonVars>;
