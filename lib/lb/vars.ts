/**
 * Load-balancer vars (lb_*, haproxy_* for the generated config, f5_*): flat Ansible names, one
 * schema each. Shared by the lb-config role (generation) and the haproxy role (deploy), which
 * adds its own deploy vars (roles/haproxy/vars.ts). The NodePorts are platform vars
 * (lib/vars/platform.ts); which of them carry traffic, the roles say (Role.exposes, cluster-vars.ts).
 */
import { z } from 'zod';
import { defineVars } from '../vars/schema.ts';
import type { VarsOf } from '../vars/schema.ts';
import { controllerPath, duration, ipAddress, nodePort, port, rule } from '../vars/types.ts';

const NAME = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;
/** A name used in haproxy.cfg sections and F5 objects: short, lower-case, digits, '-'. */
export const lbName = rule(z.string(), (v) => NAME.test(v) ? undefined
  : `${JSON.stringify(v)} is not a usable load-balancer name; use 1-42 lower-case letters, digits and '-', like financial-mlops`);

const F5_NAME = /^[A-Za-z][0-9A-Za-z_]{0,47}$/;
const f5Name = rule(z.string(), (v) => F5_NAME.test(v) ? undefined
  : `${JSON.stringify(v)} is not an F5 AS3 name; start with a letter, then letters, digits and '_' (at most 48), like financial_mlops`);

const absolutePath = rule(z.string(), (v) => v.startsWith('/') && !/[\s]/.test(v) ? undefined
  : `${JSON.stringify(v)} is not an absolute path without spaces; write the full path on the load balancer, like /etc/haproxy/certs/site.pem`);

/** A value written into a config line: one line, no control characters. */
const oneLine = rule(z.string().min(1), (v) => /^[^\x00-\x1f]+$/.test(v) ? undefined
  : `${JSON.stringify(v)} has a line break or control character; write it on one line`);
const word = rule(z.string(), (v) => /^[A-Za-z0-9._-]+$/.test(v) ? undefined
  : `${JSON.stringify(v)} must be a single word of letters, digits, '.', '_' or '-'`);

/** One extra NodePort service to balance, beyond the ones the roles expose. */
export const extraService = z.object({
  name: lbName,
  /** Port the load balancer listens on. */
  port,
  /** NodePort on every node. */
  node_port: nodePort,
  /** http: HAProxy speaks HTTP to it; tcp: bytes pass through. */
  mode: z.enum(['http', 'tcp']).optional(),
  /** HTTP health check path (lb_health_check http only). */
  health_path: rule(z.string(), (v) => /^\/[\x21-\x7e]*$/.test(v) ? undefined : `${JSON.stringify(v)} is not a URL path; start with / and use no spaces`).optional(),
  /** NodePort of the health endpoint, when it is not node_port. */
  health_port: nodePort.optional(),
  /** servers: only the k3s server nodes; nodes (default): every node. */
  members: z.enum(['nodes', 'servers']).optional(),
}).strict();
export type ExtraService = z.infer<typeof extraService>;

export const lbVars = defineVars({
  lb_frontend_name: { schema: lbName, default: 'financial-mlops', description: 'Name of the main frontend/backend pair (haproxy.cfg sections, F5 object prefix)' },
  lb_bind_address: { schema: z.union([z.literal('*'), ipAddress]), default: '*', description: 'Address HAProxy binds its frontends to (* for all)' },
  lb_http_port: { schema: port, default: 80, description: 'Port of the HTTP frontend' },
  lb_https_port: { schema: port, default: 443, description: 'Port of the HTTPS frontend' },
  lb_balance: { schema: z.enum(['roundrobin', 'leastconn']), default: 'roundrobin', description: 'Balancing algorithm of every backend' },
  lb_https_mode: { schema: z.enum(['passthrough', 'terminate']), default: 'passthrough', description: 'passthrough: TLS goes through to the gateway (TCP); terminate: the load balancer ends TLS with lb_tls_certificate' },
  lb_tls_certificate: { schema: absolutePath, optional: true, description: 'PEM (certificate + key) on the load balancer, for lb_https_mode terminate', example: '/etc/haproxy/certs/financial-mlops.pem' },
  lb_http_redirect: { schema: z.boolean(), default: false, description: 'Redirect plain HTTP to HTTPS (301)' },
  lb_api_frontend: { schema: z.boolean(), default: true, description: 'Balance the Kubernetes API (api_port) over the server nodes' },
  lb_api_listen_port: { schema: port, optional: true, description: 'Port of the API frontend (default: api_port)' },
  lb_proxy_protocol: { schema: z.boolean(), default: false, description: 'Send PROXY protocol v2 to the ingress NodePorts (the gateway must accept it; never to the API)' },
  lb_health_check: { schema: z.enum(['tcp', 'http']), default: 'http', description: "tcp: connect checks; http: the service's readiness endpoint (Istio /healthz/ready on istio_gateway_status_nodeport)" },
  lb_check_interval: { schema: duration, default: '2s', description: 'Time between health checks of one member' },
  lb_check_fall: { schema: z.number().int().min(1).max(100), default: 3, description: 'Failed checks before a member is marked down' },
  lb_check_rise: { schema: z.number().int().min(1).max(100), default: 2, description: 'Passed checks before a member is marked up again' },
  lb_timeout_connect: { schema: duration, default: '5s', description: 'Time to connect to a member' },
  lb_timeout_client: { schema: duration, default: '60s', description: 'Client inactivity timeout' },
  lb_timeout_server: { schema: duration, default: '60s', description: 'Server inactivity timeout' },
  lb_maxconn: { schema: z.number().int().min(1), optional: true, description: 'Global connection limit (default: what the open-file limit allows; it needs about 2 files per connection)', example: 20000 },
  lb_ingress: { schema: lbName, optional: true, description: 'Ingress on lb_http_port/lb_https_port when two are enabled: the name of an exposed ingress (istio, ingress-nginx; default: the first); the other gets lb_secondary_*_port' },
  lb_secondary_http_port: { schema: port, default: 8080, description: 'HTTP port of the second ingress when Istio and ingress-nginx are both enabled' },
  lb_secondary_https_port: { schema: port, default: 8443, description: 'HTTPS port of the second ingress when Istio and ingress-nginx are both enabled' },
  lb_extra_services: { schema: z.array(extraService), default: [], description: 'More NodePort services to balance: [{name, port, node_port, mode, health_path, health_port, members}]' },
  lb_stats_enabled: { schema: z.boolean(), default: false, description: 'HAProxy stats page on lb_stats_port' },
  lb_stats_port: { schema: port, default: 8404, description: 'Port of the stats page' },
  lb_stats_user: { schema: word, default: 'admin', description: 'User of the stats page' },
  lb_stats_password: { schema: z.string().min(8).regex(/^[^\n\r]+$/, { message: 'must be one line' }), optional: true, secret: true, description: 'Password of the stats page (from vault)' },
  lb_output_dir: { schema: controllerPath, optional: true, description: 'Folder for the generated files (default out/<inventory name>/lb)' },
  haproxy_log_target: { schema: oneLine, default: '/dev/log local0', description: 'Global log line target: address and facility' },
  haproxy_stats_socket: { schema: absolutePath, default: '/run/haproxy/admin.sock', description: 'HAProxy runtime API socket (admin level, for operators and health inspection)' },
  haproxy_chroot: { schema: z.union([z.literal(''), absolutePath]), default: '/var/lib/haproxy', description: "HAProxy chroot folder ('' for none)" },
  haproxy_user: { schema: word, default: 'haproxy', description: 'User HAProxy drops to' },
  haproxy_group: { schema: word, default: 'haproxy', description: 'Group HAProxy drops to' },
  f5_tenant: { schema: f5Name, optional: true, description: 'AS3 tenant (also the BIG-IP partition; default: lb_frontend_name with _ for -)' },
  f5_application: { schema: f5Name, default: 'k8s_ingress', description: 'AS3 application (folder in the partition)' },
  f5_partition: { schema: f5Name, optional: true, description: 'Partition of the tmsh commands (default: the AS3 tenant)' },
  f5_virtual_address: { schema: ipAddress, optional: true, description: 'Virtual address of the F5 virtual servers; without it no F5 files are written', example: '192.168.1.250' },
  f5_api_virtual_address: { schema: ipAddress, optional: true, description: 'Virtual address of the API virtual server (default f5_virtual_address)' },
  f5_tls_certificate: { schema: absolutePath, default: '/Common/default.crt', description: 'BIG-IP certificate object for lb_https_mode terminate' },
  f5_tls_key: { schema: absolutePath, default: '/Common/default.key', description: 'BIG-IP key object for lb_https_mode terminate' },
});

export type LbVars = VarsOf<typeof lbVars>;
