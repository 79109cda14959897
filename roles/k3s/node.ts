/**
 * One node's k3s, facts → plan → apply: read what is installed (version, install stamp, service
 * state), work out whether to install, restart or do nothing, and do it. The installer runs only
 * when the version or the install arguments changed; a changed config or env file restarts only
 * this node's service; otherwise nothing runs.
 */
import { CommandError } from '../../lib/errors.ts';
import { raw, sh, type Cmd } from '../../lib/shell.ts';
import type { TaskContext } from '../../lib/role.ts';
import type { Transport } from '../../lib/transport/types.ts';
import { BINARY_PATH, INSTALL_STAMP_PATH, installCommand, installStamp, parseK3sVersion, serviceName, type InstallSpec } from './config.ts';
import { BECOME, ensureFiles, type FileSpec } from './files.ts';
import { uploadAirgap, type InstallSource } from './source.ts';
import type { NodeKind } from './topology.ts';

export interface NodeFacts {
  version: string | undefined;
  stamp: string | undefined;
  active: boolean;
}

const SEP = '--capstan-k3s--';

/** The read-only command behind readNodeFacts (also prefetched with the node's other facts). */
export function nodeFactsCommand(kind: NodeKind): Cmd {
  const unit = serviceName(kind);
  return sh`if [ -x ${BINARY_PATH} ]; then ${BINARY_PATH} --version; fi; echo ${SEP}; cat ${INSTALL_STAMP_PATH} 2>/dev/null; echo ${SEP}; systemctl is-active ${unit} 2>/dev/null ${raw('|| true')}`;
}

/** Version, install stamp and service state in one round trip (none when prefetched). */
export async function readNodeFacts(t: Transport, kind: NodeKind): Promise<NodeFacts> {
  const r = (await t.must(nodeFactsCommand(kind), { ...BECOME, readOnly: true })).stdout;
  const [versionOut = '', stamp = '', active = ''] = r.split(`${SEP}\n`);
  return { version: parseK3sVersion(versionOut), stamp: stamp === '' ? undefined : stamp, active: active.trim() === 'active' };
}

export type NodePlan =
  | { action: 'install'; reason: string }
  | { action: 'restart'; reason: string }
  | { action: 'none'; reason: string };

/** Pure: what to do on a node, from its facts, the wanted install and the files that changed. */
export function planNode(facts: NodeFacts, spec: InstallSpec, changedFiles: readonly string[]): NodePlan {
  if (facts.version === undefined) return { action: 'install', reason: `install k3s ${spec.version}` };
  if (facts.version !== spec.version) return { action: 'install', reason: `upgrade k3s ${facts.version} → ${spec.version}` };
  if (facts.stamp !== installStamp(spec)) return { action: 'install', reason: 'k3s install arguments changed' };
  if (changedFiles.length > 0) return { action: 'restart', reason: `${changedFiles.join(', ')} changed` };
  if (!facts.active) return { action: 'restart', reason: 'the k3s service was not running' };
  return { action: 'none', reason: `k3s ${spec.version} installed, config unchanged` };
}

export interface ApplyNodeInput {
  readonly kind: NodeKind;
  readonly spec: InstallSpec;
  readonly files: readonly FileSpec[];
  /** The env file: the installer rewrites it, so it is put again after an install. */
  readonly envFile: FileSpec;
  readonly source: InstallSource;
  /** Called before an installed node is upgraded (drain). */
  readonly beforeUpgrade?: () => Promise<void>;
}

export interface ApplyNodeResult {
  changed: boolean;
  msg: string;
  diff: string;
}

async function runInstaller(ctx: TaskContext, t: Transport, input: ApplyNodeInput): Promise<void> {
  if (input.source.kind === 'airgap') {
    const script = await uploadAirgap(ctx, input.source.dir);
    await t.must(installCommand(input.spec, script), BECOME);
    return;
  }
  // mktemp: no predictable name in /tmp (root writes it), and hosts sharing a /tmp cannot collide
  const script = (await t.must(sh`mktemp /tmp/capstan-k3s-install.XXXXXXXX`, BECOME)).stdout.trim();
  ctx.log.progress(`downloading the k3s install script from ${input.source.url}`);
  try {
    await t.must(sh`curl -fsSL --retry 3 -o ${script} ${input.source.url}`, { ...BECOME, hint: 'check k3s_install_script_url and that the node can reach it' });
    await t.must(installCommand(input.spec, script), BECOME);
  } finally {
    await t.run(sh`rm -f ${script}`, BECOME);
  }
}

/** Install, restart or nothing; the caller then waits for the node to be Ready. */
export async function applyNode(ctx: TaskContext, input: ApplyNodeInput): Promise<ApplyNodeResult> {
  const t = await ctx.transport();
  const unit = serviceName(input.kind);
  const files = await ensureFiles(ctx, [...input.files, input.envFile]);
  const facts = await readNodeFacts(t, input.kind);
  const plan = planNode(facts, input.spec, files.changed);
  const diff = files.diff;
  if (plan.action === 'none') return { changed: files.changed.length > 0, msg: plan.reason, diff };
  if (ctx.check) return { changed: true, msg: `would ${plan.reason}`, diff };
  if (plan.action === 'install') {
    if (facts.version !== undefined && facts.version !== input.spec.version) await input.beforeUpgrade?.();
    ctx.log.progress(`${plan.reason} (${input.source.kind === 'airgap' ? 'air-gapped' : 'install script'})`);
    await runInstaller(ctx, t, input);
    await ensureFiles(ctx, [input.envFile]); // the installer rewrote it from its own environment
    await t.put(INSTALL_STAMP_PATH, installStamp(input.spec), { mode: 0o600, become: true });
    const version = parseK3sVersion((await t.must(sh`${BINARY_PATH} --version`, BECOME)).stdout);
    if (version !== input.spec.version) {
      throw new CommandError(t.host, `${BINARY_PATH} --version`, 0, `installed k3s is ${version ?? 'unknown'}, not ${input.spec.version}`,
        { hint: input.source.kind === 'airgap' ? 'airgap_dir holds another k3s release than k3s_version' : 'check k3s_version' });
    }
    await t.must(sh`systemctl enable ${unit}`, BECOME);
  } else {
    ctx.log.progress(`restarting ${unit}: ${plan.reason}`);
  }
  await t.must(sh`systemctl restart ${unit}`, { ...BECOME, hint: `see journalctl -u ${unit} on ${t.host}` });
  return { changed: true, msg: plan.reason, diff };
}
