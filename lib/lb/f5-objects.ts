/**
 * The F5 BIG-IP objects for a load-balancer model: monitors, pools and one virtual server per
 * frontend port. f5-as3.ts and f5-tmsh.ts only format these, so the two outputs agree.
 */
import { durationSeconds } from '../vars/types.ts';
import type { Backend, Frontend, LbModel } from './model.ts';

export interface F5Settings {
  readonly tenant: string;
  readonly application: string;
  /** Partition of the tmsh commands. */
  readonly partition: string;
  readonly virtualAddress: string;
  readonly apiVirtualAddress: string;
  /** BIG-IP certificate and key objects, for TLS termination. */
  readonly certificate: string;
  readonly key: string;
}

export interface F5Monitor {
  readonly name: string;
  readonly type: 'http' | 'tcp';
  readonly send?: string;
  readonly receive?: string;
  /** Alias port, when the check goes to another NodePort than the member's. */
  readonly targetPort?: number;
  readonly interval: number;
  readonly timeout: number;
}

export interface F5Pool {
  readonly name: string;
  readonly remark: string;
  readonly loadBalancingMode: 'round-robin' | 'least-connections-member';
  /** A monitor of this application, or the built-in 'tcp'. */
  readonly monitor: string;
  readonly builtinMonitor: boolean;
  readonly members: readonly { readonly address: string; readonly port: number; readonly host: string }[];
}

export interface F5Virtual {
  readonly name: string;
  readonly remark: string;
  readonly kind: 'tcp' | 'http' | 'https';
  readonly address: string;
  readonly port: number;
  readonly pool: string;
  readonly redirectToHttps: boolean;
}

export interface F5Objects {
  readonly settings: F5Settings;
  readonly monitors: readonly F5Monitor[];
  readonly pools: readonly F5Pool[];
  readonly virtuals: readonly F5Virtual[];
  /** True when some virtual terminates TLS (needs the certificate objects). */
  readonly tls: boolean;
  /** What the F5 output cannot express that haproxy.cfg has. */
  readonly notes: readonly string[];
}

/** An F5 object name: letters, digits and '_'. */
export function f5Name(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(s) ? s : `n_${s}`;
}

/** The HTTP monitor of a backend; backends with the same check share one (named after the first). */
function monitorFor(b: Backend, model: LbModel): F5Monitor | undefined {
  if (b.health.type !== 'http') return undefined;
  const interval = Math.max(1, Math.ceil(durationSeconds(model.check.interval)));
  return {
    name: f5Name(`${b.name}_monitor`),
    type: 'http',
    send: `GET ${b.health.path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    receive: `HTTP/1.1 ${b.health.expectStatus}`,
    ...(b.members[0] && b.members[0].port !== b.health.port ? { targetPort: b.health.port } : {}),
    interval,
    timeout: interval * model.check.fall + 1,
  };
}

function virtualsFor(f: Frontend, s: F5Settings): F5Virtual[] {
  return f.binds.map((bind) => ({
    name: f5Name(`${f.name}_${bind.port}`),
    remark: `${f.service} on port ${bind.port}`,
    kind: f.mode === 'tcp' ? 'tcp' : bind.certificate ? 'https' : 'http',
    address: f.vip === 'api' ? s.apiVirtualAddress : s.virtualAddress,
    port: bind.port,
    pool: f5Name(f.backend),
    redirectToHttps: f.redirectToHttps && !bind.certificate,
  }));
}

export function f5Objects(model: LbModel, settings: F5Settings): F5Objects {
  const bySignature = new Map<string, F5Monitor>();
  const pools = model.backends.map((b): F5Pool => {
    const own = monitorFor(b, model);
    const signature = own && JSON.stringify({ ...own, name: '' });
    const monitor = signature ? bySignature.get(signature) ?? own : undefined;
    if (signature && monitor) bySignature.set(signature, monitor);
    return {
      name: f5Name(b.name),
      remark: `${b.service}: ${b.members.length} members`,
      loadBalancingMode: b.balance === 'leastconn' ? 'least-connections-member' : 'round-robin',
      monitor: monitor?.name ?? 'tcp',
      builtinMonitor: !monitor,
      members: b.members.map((m) => ({ address: m.address, port: m.port, host: m.name })),
    };
  });
  const virtuals = model.frontends.flatMap((f) => virtualsFor(f, settings));
  const notes = [
    ...(model.backends.some((b) => b.proxyProtocol) ? ['lb_proxy_protocol: the F5 output does not send PROXY protocol; add an iRule if the gateway expects it'] : []),
    ...(model.stats ? ['lb_stats_enabled: the stats page is HAProxy only; BIG-IP has its own statistics'] : []),
  ];
  return { settings, monitors: [...bySignature.values()], pools, virtuals, tls: virtuals.some((v) => v.kind === 'https'), notes };
}
