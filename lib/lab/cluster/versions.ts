/**
 * The pinned versions of the real control plane (and kwok) that `npm run cluster -- build`
 * compiles from Go modules, and where the binaries live: outside the clone, in
 * `${CAPSTAN_CACHE:-/var/cache/capstan}/k8s-<kubernetes version>/bin`, each binary with a
 * `<name>.version` stamp so a version bump rebuilds only what changed. See docs/cluster.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KUBERNETES_VERSION = '1.35.4';
export const ETCD_VERSION = '3.6.16';
export const KWOK_VERSION = '0.8.0';
/** cert-manager's controller, at the version of the chart roles/cert-manager pins. */
export const CERT_MANAGER_VERSION = '1.21.1';

export function cacheRoot(): string {
  return process.env.CAPSTAN_CACHE || '/var/cache/capstan';
}

/** `${cacheRoot}/k8s-<ver>`: the binaries (bin/), the throw-away Go modules (src/), kwok's CRDs (share/). */
export function clusterCacheDir(): string {
  return join(cacheRoot(), `k8s-${KUBERNETES_VERSION}`);
}

export function binDir(): string {
  return join(clusterCacheDir(), 'bin');
}

/** One group of binaries built by one `go build` from one throw-away module. */
export interface BinaryGroup {
  /** Directory name of its throw-away module under src/. */
  id: string;
  /** The module it requires, and the version. */
  module: string;
  version: string;
  /** Binary name → main package. */
  binaries: Record<string, string>;
  /** -X flags for the version variables the binaries report. */
  versionVars: Record<string, string>;
  /** A main package of capstan's (copied into the throw-away module) instead of upstream's main packages. */
  mainGo?: string;
  /** Optional: a failed build is reported and the rest goes on (tests that need it say how to build it). */
  optional?: boolean;
}

export const GROUPS: readonly BinaryGroup[] = [
  {
    id: 'kubernetes', module: 'k8s.io/kubernetes', version: `v${KUBERNETES_VERSION}`,
    binaries: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
    },
    // Without these the binaries report v0.0.0 and charts' kubeVersion constraints fail.
    versionVars: Object.fromEntries(['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((p) => [
      [`${p}.gitVersion`, `v${KUBERNETES_VERSION}`], [`${p}.gitMajor`, KUBERNETES_VERSION.split('.')[0]!],
      [`${p}.gitMinor`, KUBERNETES_VERSION.split('.')[1]!], [`${p}.gitTreeState`, 'clean'],
    ])),
  },
  {
    id: 'etcd', module: 'go.etcd.io/etcd/server/v3', version: `v${ETCD_VERSION}`,
    binaries: { etcd: 'go.etcd.io/etcd/server/v3' },
    versionVars: {},
  },
  {
    id: 'kwok', module: 'sigs.k8s.io/kwok', version: `v${KWOK_VERSION}`,
    binaries: { kwok: 'sigs.k8s.io/kwok/cmd/kwok', kwokctl: 'sigs.k8s.io/kwok/cmd/kwokctl' },
    versionVars: { 'sigs.k8s.io/kwok/pkg/consts.Version': `v${KWOK_VERSION}` },
  },
  {
    // Upstream's main is a separate module (cmd/controller) that the module proxy does not serve:
    // capstan's small main (cert-manager/main.go) wires the upstream controllers and issuers.
    id: 'cert-manager', module: 'github.com/cert-manager/cert-manager', version: `v${CERT_MANAGER_VERSION}`,
    binaries: { 'cert-manager-controller': 'capstan.local/build-cert-manager' },
    versionVars: { 'github.com/cert-manager/cert-manager/pkg/util.AppVersion': `v${CERT_MANAGER_VERSION}` },
    mainGo: join(import.meta.dirname, 'cert-manager', 'main.go'),
    optional: true,
  },
];

/** What a built binary's stamp must say: the version, plus a hash of capstan's main when the group has one (edits rebuild it). */
export function stampOf(group: BinaryGroup): string {
  if (!group.mainGo) return group.version;
  return `${group.version}+main.${createHash('sha256').update(readFileSync(group.mainGo)).digest('hex').slice(0, 12)}`;
}

/** The version a built binary was stamped with, or undefined when it is missing. */
export function builtVersion(name: string): string | undefined {
  const stamp = join(binDir(), `${name}.version`);
  if (!existsSync(join(binDir(), name)) || !existsSync(stamp)) return undefined;
  return readFileSync(stamp, 'utf8').trim();
}

/** Path of a binary, or a one-line error saying how to build it. */
export function binaryPath(name: string): string {
  const group = GROUPS.find((g) => name in g.binaries);
  if (!group) throw new Error(`cluster: no binary named ${name}`);
  if (builtVersion(name) !== stampOf(group)) {
    throw new Error(`cluster: ${join(binDir(), name)} ${group.version} is not built: run \`npm run cluster -- build\` (or .ci/setup) once`);
  }
  return join(binDir(), name);
}
