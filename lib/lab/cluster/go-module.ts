/**
 * Throw-away Go modules that build upstream binaries from the module proxy. k8s.io/kubernetes
 * requires its staging modules (k8s.io/api, k8s.io/client-go, ...) at v0.0.0 and replaces them
 * with ./staging/src/...: replaces of a dependency do not apply to the module that requires it,
 * so ours replaces each of them with the matching published v0.<minor>.<patch>, generated from
 * kubernetes' own go.mod.
 */
import type { BinaryGroup } from './versions.ts';

/** `k8s.io/x => ./staging/src/k8s.io/x` lines of kubernetes' go.mod → replaces by the published version. */
export function stagingReplaces(kubernetesGoMod: string, kubernetesVersion: string): string[] {
  const [major, minor, patch] = kubernetesVersion.replace(/^v/, '').split('.');
  if (major !== '1' || !minor || !patch) throw new Error(`cluster build: unexpected kubernetes version ${kubernetesVersion}`);
  const staging = `v0.${minor}.${patch}`;
  const found = [...kubernetesGoMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/\1\s*$/gm)].map((m) => m[1]!);
  if (found.length < 10) throw new Error(`cluster build: kubernetes ${kubernetesVersion} go.mod lists ${found.length} staging replaces; expected its ~30 k8s.io/* modules`);
  return found.map((mod) => `${mod} => ${mod} ${staging}`);
}

/** The `go` and `godebug` lines of a go.mod, so the build keeps upstream's language settings. */
export function goDirectives(goMod: string): string[] {
  return goMod.split('\n').filter((l) => /^(go|godebug)\s/.test(l));
}

/** go.mod of the throw-away module for a group. */
export function throwAwayGoMod(group: BinaryGroup, upstreamGoMod: string, replaces: readonly string[]): string {
  const lines = [`module capstan.local/build-${group.id}`, '', ...goDirectives(upstreamGoMod), '', `require ${group.module} ${group.version}`];
  if (replaces.length > 0) lines.push('', 'replace (', ...replaces.map((r) => `\t${r}`), ')');
  return `${lines.join('\n')}\n`;
}

/** tools.go: imports every main package so `go mod tidy` records their dependencies. */
export function toolsGo(group: BinaryGroup): string {
  const imports = Object.values(group.binaries).map((p) => `\t_ "${p}"`);
  return `//go:build tools\n\n// Package tools pins the main packages this throw-away module builds.\npackage tools\n\nimport (\n${imports.join('\n')}\n)\n`;
}

/** -ldflags value: strip symbols and set the version variables. */
export function ldflags(group: BinaryGroup): string {
  return ['-s', '-w', ...Object.entries(group.versionVars).map(([k, v]) => `-X ${k}=${v}`)].join(' ');
}
