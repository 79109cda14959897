/**
 * Deployed release state, read the cheap way: one Kubernetes API list of Helm's release
 * Secrets (`owner=helm`) for all releases at once, cached for the run, instead of one helm
 * process per release. Only each release's latest revision is decoded (base64 → base64 → gzip
 * → JSON, Helm's storage format), giving chart name/version, status, user values and manifest.
 */
import { gunzipSync } from 'node:zlib';
import type { KubeApi } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';

export interface DeployedRelease {
  name: string;
  namespace: string;
  revision: number;
  /** deployed, failed, pending-install, pending-upgrade, pending-rollback, superseded, uninstalling… */
  status: string;
  chart: { name: string; version: string };
  /** User-supplied values (what `helm get values -o json` prints). */
  values: Record<string, unknown>;
  /** What `helm get manifest` prints. */
  manifest: string;
}

interface ReleaseJson {
  name: string;
  namespace: string;
  version: number;
  info?: { status?: string };
  chart?: { metadata?: { name?: string; version?: string } };
  config?: Record<string, unknown> | null;
  manifest?: string;
}

/** Decodes a Helm release Secret's data.release. */
export function decodeRelease(secret: KubeObject): DeployedRelease {
  const data = (secret as { data?: Record<string, string> }).data?.['release'] ?? '';
  let bytes = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const r = JSON.parse(bytes.toString('utf8')) as ReleaseJson;
  return {
    name: r.name,
    namespace: r.namespace,
    revision: r.version,
    status: r.info?.status ?? 'unknown',
    chart: { name: r.chart?.metadata?.name ?? '', version: r.chart?.metadata?.version ?? '' },
    values: r.config ?? {},
    manifest: r.manifest ?? '',
  };
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/** The latest revision's Secret of each release among `secrets`. */
export function latestSecrets(secrets: KubeObject[]): Map<string, KubeObject> {
  const latest = new Map<string, KubeObject>();
  for (const s of secrets) {
    const name = s.metadata.labels?.['name'];
    if (!name || !s.metadata.namespace) continue;
    const k = key(s.metadata.namespace, name);
    const seen = latest.get(k);
    if (!seen || Number(s.metadata.labels?.['version']) > Number(seen.metadata.labels?.['version'])) latest.set(k, s);
  }
  return latest;
}

/** One revision of a release as its Secret's labels say (no decoding). */
export interface RevisionInfo {
  revision: number;
  status: string;
}

export interface ReleaseStore {
  /** The latest revision of a release, or undefined when it is not installed. */
  get(namespace: string, name: string): Promise<DeployedRelease | undefined>;
  /** Every stored revision of a release, oldest first (Helm's `status` and `version` labels). */
  history(namespace: string, name: string): Promise<RevisionInfo[]>;
  /** Re-read one release after helm changed it. */
  refresh(namespace: string, name: string): Promise<DeployedRelease | undefined>;
  /**
   * Start the one list of every release's Secrets now (the run will ask for releases), so it
   * overlaps other work; get() awaits it, and a failed list fails the get() as it would have.
   */
  prefetch?(): void;
}

export function releaseStore(api: KubeApi): ReleaseStore {
  let all: Promise<Map<string, KubeObject>> | undefined;
  const decoded = new Map<string, DeployedRelease | undefined>();
  const load = () => (all ??= api.list('v1', 'Secret', { labelSelector: 'owner=helm' }).then((r) => latestSecrets(r.items)));
  const store: ReleaseStore = {
    async get(namespace, name) {
      const k = key(namespace, name);
      if (decoded.has(k)) return decoded.get(k);
      let all: Map<string, KubeObject>;
      try {
        all = await load();
      } catch (err) {
        // A user who may not list Secrets cluster-wide: read this release's namespace only.
        if ((err as { status?: number }).status === 403) return store.refresh(namespace, name);
        throw err;
      }
      const secret = all.get(k);
      decoded.set(k, secret ? decodeRelease(secret) : undefined);
      return decoded.get(k);
    },
    async history(namespace, name) {
      const { items } = await api.list('v1', 'Secret', { namespace, labelSelector: `owner=helm,name=${name}` });
      return items.map((i) => ({ revision: Number(i.metadata.labels?.['version']), status: i.metadata.labels?.['status'] ?? 'unknown' }))
        .sort((a, b) => a.revision - b.revision);
    },
    prefetch() {
      // not dropped: get() awaits this same promise and answers its failure (403: one namespace)
      load().catch(() => undefined);
    },
    async refresh(namespace, name) {
      const { items } = await api.list('v1', 'Secret', { namespace, labelSelector: `owner=helm,name=${name}` });
      const secret = latestSecrets(items).get(key(namespace, name));
      const release = secret ? decodeRelease(secret) : undefined;
      decoded.set(key(namespace, name), release);
      return release;
    },
  };
  return store;
}
