/**
 * The cluster lock: a coordination.k8s.io/v1 Lease (`capstan-run` in capstan_lock_namespace),
 * held by a run from the moment it first opens the cluster until it ends, like Helm's own
 * pending-* lock but across every release and object of the run. Renewed every third of its
 * duration; a Lease whose holder stopped renewing expires and is taken over (reported). A second
 * run waits up to capstan_lock_timeout seconds (watching the Lease, saying who holds it), then
 * fails naming the holder. Writes only by create/replace with resourceVersion, so two runs never
 * both think they hold it. --check only reads it. These are the only writes a no-op run makes:
 * LOCK_LEASE_NAME lets a write count leave them out.
 */
import { KubeError, LockError } from '../errors.ts';
import type { KubeApi } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import { describeHolder, type RunIdentity } from './identity.ts';

export const LOCK_LEASE_NAME = 'capstan-run';
/** A holder that has not renewed for this long is gone. */
export const LEASE_SECONDS = 60;
const ANNOTATION = 'capstan.io/';

interface LeaseObject extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

export interface LeaseOptions {
  namespace: string;
  timeoutSeconds: number;
  say(message: string): void;
  signal?: AbortSignal;
  now?: () => number;
}

export interface HeldLease {
  /** Another live run held the Lease when this one first looked: this run waited for it (what it read before may be stale). */
  readonly waited: boolean;
  release(): Promise<void>;
}

/**
 * Whether an API request (method, path as the server logs it) is one of the run lock's own:
 * the Lease's create (POST to its namespace's leases) and its replaces and reads. Write counts
 * of a no-op run leave these out; they are counted apart.
 */
export function isLockRequest(path: string, namespace = 'kube-system'): boolean {
  const base = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  return path === base || path === `${base}/${LOCK_LEASE_NAME}`;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

const ref = (namespace: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: LOCK_LEASE_NAME, namespace } });

function holderOf(l: LeaseObject): string {
  const a = l.metadata.annotations ?? {};
  return describeHolder({ id: l.spec?.holderIdentity, owner: a[`${ANNOTATION}owner`], pid: a[`${ANNOTATION}pid`], started: a[`${ANNOTATION}started`], where: a[`${ANNOTATION}controller`] });
}

/** When the holder's claim runs out (ms), or 0 for a Lease nobody holds. */
function expiresAt(l: LeaseObject): number {
  if (!l.spec?.holderIdentity) return 0;
  const renewed = Date.parse(l.spec.renewTime ?? l.spec.acquireTime ?? '');
  return Number.isNaN(renewed) ? 0 : renewed + (l.spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000;
}

function claim(run: RunIdentity, namespace: string, now: number, live?: LeaseObject): LeaseObject {
  const ours = live?.spec?.holderIdentity === run.id;
  return {
    ...ref(namespace),
    metadata: {
      ...ref(namespace).metadata,
      ...(live ? { resourceVersion: live.metadata['resourceVersion'] } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'capstan' },
      annotations: { [`${ANNOTATION}owner`]: run.owner, [`${ANNOTATION}pid`]: String(run.pid), [`${ANNOTATION}started`]: run.started, [`${ANNOTATION}controller`]: run.owner.split('@')[1] ?? '' },
    },
    spec: {
      holderIdentity: run.id, leaseDurationSeconds: LEASE_SECONDS,
      acquireTime: ours ? live.spec!.acquireTime! : microTime(now), renewTime: microTime(now),
      leaseTransitions: (live?.spec?.leaseTransitions ?? 0) + (live && !ours ? 1 : 0),
    },
  };
}

const conflict = (err: unknown) => err instanceof KubeError && err.status === 409;

/** Resolves on the first change to the Lease after resourceVersion, or after ms. */
async function changeOrTimeout(api: KubeApi, namespace: string, resourceVersion: string, ms: number, signal?: AbortSignal): Promise<void> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), Math.max(0, ms));
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const path = await api.collectionPath('coordination.k8s.io/v1', 'Lease', namespace);
    await api.watch(path, { fieldSelector: `metadata.name=${LOCK_LEASE_NAME}`, resourceVersion }, () => stop.abort(), stop.signal);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function waitingTooLong(live: LeaseObject, o: LeaseOptions): LockError {
  return new LockError(`the cluster Lease ${o.namespace}/${LOCK_LEASE_NAME} is held by ${holderOf(live)}${o.timeoutSeconds ? `; waited ${o.timeoutSeconds}s` : ''}; nothing was changed in the cluster`, {
    hint: 'let that run finish (or stop it) and run again; raise capstan_lock_timeout to wait longer. The Lease of a run that died expires by itself within 60s.',
  });
}

/** Take the run's Lease; throws LockError when another live run keeps it past the timeout. */
export async function takeLease(api: KubeApi, run: RunIdentity, o: LeaseOptions): Promise<HeldLease> {
  const now = o.now ?? Date.now;
  const deadline = now() + o.timeoutSeconds * 1000;
  let told = false;
  // Each round ends in the Lease taken, an error, or a wait bounded by the deadline.
  for (let round = 0; round < 10_000; round++) {
    if (o.signal?.aborted) throw o.signal.reason instanceof Error ? o.signal.reason : new Error('interrupted');
    const live = await api.get(ref(o.namespace)) as LeaseObject | undefined;
    const expiry = live ? expiresAt(live) : 0;
    const free = !live || expiry <= now() || live.spec?.holderIdentity === run.id;
    if (free) {
      let written: LeaseObject;
      try {
        written = await (live ? api.replace(claim(run, o.namespace, now(), live)) : api.create(claim(run, o.namespace, now()))) as LeaseObject;
      } catch (err) {
        if (conflict(err)) continue; // another run wrote it first: look again
        if (err instanceof KubeError && err.status === 404) throw new LockError(`cannot create the Lease ${o.namespace}/${LOCK_LEASE_NAME}: ${err.message}`, { hint: 'set capstan_lock_namespace to a namespace that exists (default kube-system)' });
        throw err;
      }
      if (live && expiry > 0 && live.spec?.holderIdentity !== run.id) o.say(`took over the cluster Lease ${o.namespace}/${LOCK_LEASE_NAME} from ${holderOf(live)}: it stopped renewing (expired ${new Date(expiry).toISOString()})`);
      return holdLease(api, run, o, written, told);
    }
    if (now() >= deadline) throw waitingTooLong(live, o);
    if (!told) o.say(`the cluster Lease ${o.namespace}/${LOCK_LEASE_NAME} is held by ${holderOf(live)}; waiting up to ${o.timeoutSeconds}s (capstan_lock_timeout)`);
    told = true;
    await changeOrTimeout(api, o.namespace, String(live.metadata['resourceVersion'] ?? ''), Math.min(deadline, expiry) - now() + 50, o.signal);
  }
  throw new LockError(`gave up taking the cluster Lease ${o.namespace}/${LOCK_LEASE_NAME}: it kept changing`);
}

/**
 * Renew every third of the duration until released; a lost Lease is said, not hidden. Renewals
 * and the release write over the Lease as this run last wrote it (its resourceVersion): one
 * request each. Only when that write conflicts (someone else wrote the Lease since) or finds it
 * gone is it read again, to see who holds it now.
 */
function holdLease(api: KubeApi, run: RunIdentity, o: LeaseOptions, written: LeaseObject, waited: boolean): HeldLease {
  const now = o.now ?? Date.now;
  let mine: LeaseObject | undefined = written;
  /** Who held the Lease when a write found this run no longer does. */
  let lostTo: LeaseObject | undefined;
  /** Write `change(basis)` over what this run last wrote; after a conflict, over the live Lease if this run still holds it. */
  const writeOver = async (change: (basis: LeaseObject) => LeaseObject): Promise<'written' | 'lost'> => {
    if (mine) {
      try {
        mine = await api.replace(change(mine)) as LeaseObject;
        return 'written';
      } catch (err) {
        if (!conflict(err) && !(err instanceof KubeError && err.status === 404)) throw err;
      }
    }
    const live = await api.get(ref(o.namespace)) as LeaseObject | undefined;
    mine = undefined;
    if (live?.spec?.holderIdentity !== run.id) {
      lostTo = live;
      return 'lost';
    }
    mine = await api.replace(change(live)) as LeaseObject;
    return 'written';
  };
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    if (await writeOver((basis) => claim(run, o.namespace, now(), basis)) === 'written') return;
    o.say(`lost the cluster Lease ${o.namespace}/${LOCK_LEASE_NAME}: it is now held by ${lostTo ? holderOf(lostTo) : 'nobody (deleted)'}`);
    clearInterval(timer);
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew).catch((err: unknown) => o.say(`renewing the cluster Lease failed: ${err instanceof Error ? err.message : String(err)}`));
  }, (LEASE_SECONDS / 3) * 1000);
  timer.unref();
  return {
    waited,
    async release() {
      clearInterval(timer);
      await renewing;
      await writeOver((basis) => {
        const { holderIdentity: _gone, ...spec } = basis.spec ?? {};
        return { ...basis, spec: { ...spec, renewTime: microTime(now()) } };
      });
    },
  };
}

/** --check: who holds the Lease now, or undefined. Reads only. */
export async function readLease(api: KubeApi, namespace: string, now: () => number = Date.now): Promise<string | undefined> {
  const live = await api.get(ref(namespace)) as LeaseObject | undefined;
  return live && expiresAt(live) > now() ? holderOf(live) : undefined;
}
