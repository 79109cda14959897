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

const secretRef = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { namespace, name } });

/**
 * Helm's release state, read as `helm status` would but from metadata first: the one list of
 * every release's Secrets asks for their labels only (helm keeps up to 10 revisions a release,
 * each Secret holding the whole chart: a list of bodies is megabytes), and only the latest
 * revision of a release is read whole and decoded: each as the run asks for it, or all at once
 * after the list when the run warms up (prefetch).
 */
export function releaseStore(api: KubeApi): ReleaseStore {
  let all: Promise<Map<string, KubeObject>> | undefined;
  const decoded = new Map<string, Promise<DeployedRelease | undefined>>();
  const load = () => (all ??= api.list('v1', 'Secret', { labelSelector: 'owner=helm', metadataOnly: true }).then((r) => latestSecrets(r.items)));
  /** The latest revision's Secret whole, decoded; a Secret gone since the list (helm just replaced it) is looked up again. */
  /** A release Secret whole: as listed when the list had bodies (an API fake), else read by name (undefined: gone since). */
  const whole = (namespace: string, listed: KubeObject) =>
    ('data' in listed ? Promise.resolve(listed) : api.get(secretRef(namespace, listed.metadata.name)));
  const read = async (namespace: string, name: string, latest: KubeObject | undefined): Promise<DeployedRelease | undefined> => {
    if (!latest) return undefined;
    const secret = await whole(namespace, latest);
    return secret ? decodeRelease(secret) : fresh(namespace, name);
  };
  /** The release's latest revision listed again in its namespace (a Secret gone between list and read does not loop). */
  const fresh = async (namespace: string, name: string): Promise<DeployedRelease | undefined> => {
    const { items } = await api.list('v1', 'Secret', { namespace, labelSelector: `owner=helm,name=${name}`, metadataOnly: true });
    const latest = latestSecrets(items).get(key(namespace, name));
    const secret = latest && (await whole(namespace, latest));
    return secret ? decodeRelease(secret) : undefined;
  };
  const store: ReleaseStore = {
    get(namespace, name) {
      const k = key(namespace, name);
      let release = decoded.get(k);
      if (!release) {
        release = (async () => {
          let latest: Map<string, KubeObject>;
          try {
            latest = await load();
          } catch (err) {
            // A user who may not list Secrets cluster-wide: read this release's namespace only.
            if ((err as { status?: number }).status === 403) return fresh(namespace, name);
            throw err;
          }
          return read(namespace, name, latest.get(k));
        })();
        release.catch(() => { if (decoded.get(k) === release) decoded.delete(k); });
        decoded.set(k, release);
      }
      return release;
    },
    async history(namespace, name) {
      const { items } = await api.list('v1', 'Secret', { namespace, labelSelector: `owner=helm,name=${name}`, metadataOnly: true });
      return items.map((i) => ({ revision: Number(i.metadata.labels?.['version']), status: i.metadata.labels?.['status'] ?? 'unknown' }))
        .sort((a, b) => a.revision - b.revision);
    },
    prefetch() {
      // not dropped: get() awaits this same promise and answers its failure (403: one namespace).
      // Once the labels are in, the latest revision of every release is read at once, in the
      // background (what the run's release tasks will ask for, one after another otherwise); a
      // read that fails is forgotten, and that release's get() reads it again and meets the failure.
      load().then((latest) => {
        for (const [k, meta] of latest) {
          if (decoded.has(k)) continue;
          const { namespace = '', labels = {} } = meta.metadata;
          const release = read(namespace, labels['name'] ?? '', meta);
          release.catch(() => { if (decoded.get(k) === release) decoded.delete(k); });
          decoded.set(k, release);
        }
      }, () => undefined);
    },
    async refresh(namespace, name) {
      const release = fresh(namespace, name);
      decoded.set(key(namespace, name), release);
      release.catch(() => decoded.delete(key(namespace, name)));
      return release;
    },
  };
  return store;
}
