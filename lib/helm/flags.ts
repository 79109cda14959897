/**
 * helm command lines, per Helm major, as argument arrays (never a shell string). The flags that
 * differ: helm 3 waits with `--wait` and rolls back with `--atomic`; helm 4 needs
 * `--wait=watcher` (a bare `--wait` would wait for hooks only) and `--rollback-on-failure`
 * (`--atomic` is gone). Helm 4 applies server-side by default; `clientSideApply` asks for helm 3's
 * client-side create/patch (`--server-side=false`).
 */
export type HelmMajor = 3 | 4;

export interface UpgradeArgs {
  name: string;
  namespace: string;
  chartArgs: string[];
  valuesFile: string;
  timeoutSeconds: number;
  wait: boolean;
  createNamespace: boolean;
  clientSideApply?: boolean;
}

export function waitFlags(major: HelmMajor, wait: boolean): string[] {
  if (!wait) return [];
  return major === 3 ? ['--wait', '--atomic'] : ['--wait=watcher', '--rollback-on-failure'];
}

export function upgradeArgs(major: HelmMajor, o: UpgradeArgs): string[] {
  return [
    'upgrade', '--install', o.name, ...o.chartArgs,
    '--namespace', o.namespace,
    ...(o.createNamespace ? ['--create-namespace'] : []),
    '--values', o.valuesFile,
    '--timeout', `${o.timeoutSeconds}s`,
    ...waitFlags(major, o.wait),
    ...(major === 4 && o.clientSideApply ? ['--server-side=false'] : []),
    // What helm waits for is only in its debug log (progress lines; for helm 3 also the failure): diagnose.ts.
    ...(o.wait ? ['--debug'] : []),
  ];
}

/** Renders locally (no cluster access): what `upgrade` would deploy, for --check/--diff. */
export function templateArgs(o: Pick<UpgradeArgs, 'name' | 'namespace' | 'chartArgs' | 'valuesFile'>): string[] {
  return ['template', o.name, ...o.chartArgs, '--namespace', o.namespace, '--values', o.valuesFile, '--no-hooks', '--skip-tests'];
}

export function uninstallArgs(major: HelmMajor, o: { name: string; namespace: string; timeoutSeconds: number; wait: boolean }): string[] {
  const wait = o.wait ? [major === 3 ? '--wait' : '--wait=watcher'] : [];
  return ['uninstall', o.name, '--namespace', o.namespace, '--timeout', `${o.timeoutSeconds}s`, ...wait];
}

/** Roll a release back to a revision (recovering a pending-upgrade or pending-rollback one). */
export function rollbackArgs(major: HelmMajor, o: { name: string; namespace: string; revision: number; timeoutSeconds: number; wait: boolean }): string[] {
  const wait = o.wait ? [major === 3 ? '--wait' : '--wait=watcher'] : [];
  return ['rollback', o.name, String(o.revision), '--namespace', o.namespace, '--timeout', `${o.timeoutSeconds}s`, ...wait];
}
