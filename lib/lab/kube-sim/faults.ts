/**
 * Fault injection for tests: fail the next N matching requests with a status, delay matching
 * responses, and (through the controllers) keep a workload never ready.
 */
export interface FaultMatch {
  method?: string;
  pathPrefix?: string;
}

export interface Faults {
  /** The next `count` requests matching `match` get `status` with a Status body. */
  failNext(count: number, status: number, match?: FaultMatch): void;
  /** Matching requests are answered `ms` later (until clear()). */
  delay(ms: number, match?: FaultMatch): void;
  /**
   * The workload controllers never make this object's pod template ready (kind as in the
   * manifest, e.g. Deployment). Templates that were ready before stay ready, so a rollback to the
   * previous revision succeeds, as after a bad image in a real cluster.
   */
  neverReady(kind: string, namespace: string, name: string): void;
  clear(): void;
}

interface FailRule { remaining: number; status: number; match: FaultMatch }
interface DelayRule { ms: number; match: FaultMatch }

const reasons: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 410: 'Gone',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 502: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

function matches(m: FaultMatch, method: string, path: string): boolean {
  return (!m.method || m.method.toUpperCase() === method) && (!m.pathPrefix || path.startsWith(m.pathPrefix));
}

export function neverReadyKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export class FaultInjector implements Faults {
  private fails: FailRule[] = [];
  private delays: DelayRule[] = [];
  private readonly neverReadySet: Set<string>;

  constructor(neverReadySet: Set<string>) {
    this.neverReadySet = neverReadySet;
  }

  failNext(count: number, status: number, match: FaultMatch = {}): void {
    this.fails.push({ remaining: count, status, match });
  }

  delay(ms: number, match: FaultMatch = {}): void {
    this.delays.push({ ms, match });
  }

  neverReady(kind: string, namespace: string, name: string): void {
    this.neverReadySet.add(neverReadyKey(kind, namespace, name));
  }

  clear(): void {
    this.fails = [];
    this.delays = [];
    this.neverReadySet.clear();
  }

  /** Total delay for a request. */
  delayFor(method: string, path: string): number {
    return this.delays.filter((d) => matches(d.match, method, path)).reduce((a, d) => a + d.ms, 0);
  }

  /** A Status body to fail this request with, consuming one failure, or undefined. */
  failure(method: string, path: string): { status: number; body: Record<string, unknown> } | undefined {
    const rule = this.fails.find((f) => f.remaining > 0 && matches(f.match, method, path));
    if (!rule) return undefined;
    rule.remaining--;
    const reason = reasons[rule.status] ?? 'InternalError';
    return {
      status: rule.status,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `injected fault: ${rule.status} ${reason} (kube-sim)`, reason, code: rule.status },
    };
  }
}
