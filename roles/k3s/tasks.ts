/**
 * The k3s role's tasks, in k3s-ansible's order: prerequisites on every node (which first reads
 * all the node's facts in one round trip: facts.ts); the first server (token, cluster-init,
 * kubeconfig, Ready); the other servers, looked at together and changed one at a time; the agents
 * in parallel. Every node waits for its own Node to be Ready through the Kubernetes API.
 *
 * Every host gets the same task names (the runner lines hosts up by name); a task that does not
 * apply to a host carries the reason as its skip reason.
 */
import { CapstanError } from '../../lib/errors.ts';
import type { PlanEntry, RoleContext, Task, TaskContext, TaskResult } from '../../lib/role.ts';
import { SECRET_MASK } from '../../lib/secrets.ts';
import { prefetch } from '../../lib/steps/index.ts';
import { installCommand, installSpec, splitArgs, type InstallSpec } from './config.ts';
import { ensureFiles, nodeFiles } from './files.ts';
import { nodeReads } from './facts.ts';
import { publishKubeconfig } from './publish.ts';
import { applyNode, planNode, readNodeFacts, type ApplyNodeResult, type NodePlan } from './node.ts';
import { prerequisites, SYSCTLS } from './prereqs.ts';
import { clusterTokenOn, resolveToken, tokenMismatch, tokenPassword } from './token.ts';
import { nodeSetup, type NodeSetup } from './setup.ts';
import type { NodeKind } from './topology.ts';
import type { K3sVars } from './vars.ts';
import { takeTurn } from './turn.ts';
import { waitNodeReady } from './wait.ts';
import { drainNode, setUnschedulable } from './drain.ts';

const TOKEN_KEY = 'k3s:token';
const SERVER_QUEUE_KEY = 'k3s:server-queue';

/** The installer's inputs for this node (version, arguments, source, systemd dir). */
function specOf(s: NodeSetup): InstallSpec {
  return installSpec(s.kind, s.vars.k3s_version, splitArgs(s.kind === 'agent' ? s.vars.extra_agent_args : s.vars.extra_server_args),
    s.source.kind === 'airgap', s.vars.systemd_dir);
}

/** Install/restart/nothing, then wait for the node to be Ready (and, after a drain, uncordon it). */
async function installAndWait(ctx: TaskContext, s: NodeSetup, token: string): Promise<ApplyNodeResult> {
  const spec = specOf(s);
  let drained = false;
  const drain = s.upgrade && s.vars.k3s_upgrade_drain
    ? { beforeUpgrade: async () => { await drainNode(ctx, s.nodeName, s.vars.k3s_upgrade_drain_timeout); drained = true; } } : {};
  const result = await applyNode(ctx, { kind: s.kind, spec, source: s.source, ...nodeFiles(s, token), ...drain });
  if (ctx.check) return result;
  if (s.kind === 'first-server') {
    const kubeconfig = await publishKubeconfig(ctx, await ctx.transport(), s);
    result.msg += `; ${kubeconfig.msg}`;
    result.changed ||= kubeconfig.changed;
  }
  await waitNodeReady(ctx, s.nodeName, s.vars.k3s_version, s.vars.k3s_wait_timeout);
  if (drained) await setUnschedulable(ctx, s.nodeName, false);
  return result;
}

function toResult(r: ApplyNodeResult, extra = ''): TaskResult {
  return { status: r.changed ? 'changed' : 'ok', msg: `${r.msg}${extra}`, ...(r.diff ? { diff: r.diff } : {}) };
}

/** The token the first server settled on in this run; with --limit leaving it out, the vault token. */
function sharedToken(ctx: TaskContext, s: NodeSetup): string {
  const token = ctx.shared.get(TOKEN_KEY) ?? (ctx.playHosts.some((h) => h.name === s.topology.firstServer) ? undefined : s.vars.token);
  if (typeof token !== 'string') {
    throw new CapstanError(`the cluster token is unknown: the first server ${s.topology.firstServer} did not finish in this run`, {
      hint: 'see its result above; to join nodes with --limit leaving the first server out, set `token` (vault)',
    });
  }
  return token;
}

/** Read-only, on the node's facts: what applyNode would do (in check mode, so nothing is written). */
async function lookAtNode(ctx: TaskContext, s: NodeSetup, token: string): Promise<NodePlan> {
  const { files, envFile } = nodeFiles(s, token);
  const changes = await ensureFiles({ ...ctx, check: true }, [...files, envFile]);
  return planNode(await readNodeFacts(await ctx.transport(), s.kind), specOf(s), changes.changed);
}

type NodeTaskRun = (ctx: TaskContext, s: NodeSetup) => Promise<TaskResult>;

/** Offline, for --plan: the node's files (token masked) and the install command. */
function describeNode(s: NodeSetup): PlanEntry[] {
  const spec = specOf(s);
  const { files, envFile } = nodeFiles(s, SECRET_MASK);
  const script = s.source.kind === 'airgap' ? `${s.source.dir}/install.sh (uploaded with k3s and the images)` : s.source.url;
  return [
    ...[...files, envFile].map((f) => ({ kind: 'file' as const, path: f.path, mode: '0600', content: String(f.content) })),
    { kind: 'command', text: `when k3s ${s.vars.k3s_version} is not installed with these arguments: ${installCommand(spec, 'install.sh').text}   # install.sh from ${script}` },
    { kind: 'note', text: `then wait for node ${s.nodeName} to be Ready (${s.vars.k3s_wait_timeout}s at most)` },
  ];
}

/** A task for this host's kind of node; on other hosts it is skipped with `otherwise`. */
function nodeTask(s: NodeSetup | undefined, name: string, applies: (kind: NodeKind) => boolean,
  otherwise: (kind: NodeKind | undefined) => string, run: NodeTaskRun, describe = describeNode): Task {
  if (!s || !applies(s.kind)) return { name, skipReason: otherwise(s?.kind), run: async () => ({ status: 'skipped', msg: otherwise(s?.kind) }) };
  return { name, usesHost: true, describe: () => describe(s), run: (ctx) => run(ctx, s) };
}

async function firstServer(ctx: TaskContext, s: NodeSetup): Promise<TaskResult> {
  const t = await ctx.transport();
  const { token, source } = await resolveToken(t, s.vars.token);
  ctx.log.verbose(`cluster token: ${source}`);
  const applied = await installAndWait(ctx, s, token);
  ctx.shared.set(TOKEN_KEY, token);
  return toResult(applied, ctx.check && applied.changed ? '; kubeconfig and Ready are checked after a real run' : '');
}

/**
 * Every server looks at its facts at once; only a server with something to change (install,
 * restart, a file) waits for its turn, so changes still go one server at a time, in inventory order.
 */
async function joinServer(ctx: TaskContext, s: NodeSetup): Promise<TaskResult> {
  const token = sharedToken(ctx, s);
  const turn = takeTurn(ctx.shared, SERVER_QUEUE_KEY);
  try {
    const existing = await clusterTokenOn(await ctx.transport());
    if (existing !== undefined && existing !== tokenPassword(token)) throw tokenMismatch(ctx.host.name, 'this server already belongs to a cluster with another token');
    const plan = await lookAtNode(ctx, s, token);
    if (plan.action === 'none') {
      turn.done();
      if (!ctx.check) await waitNodeReady(ctx, s.nodeName, s.vars.k3s_version, s.vars.k3s_wait_timeout);
      return toResult({ changed: false, msg: plan.reason, diff: '' });
    }
    await turn.ready;
    return toResult(await installAndWait(ctx, s, token));
  } finally {
    turn.done();
  }
}

async function joinAgent(ctx: TaskContext, s: NodeSetup): Promise<TaskResult> {
  return toResult(await installAndWait(ctx, s, sharedToken(ctx, s)));
}

const notInCluster = (vars: K3sVars) => `not in the ${vars.k3s_server_group} or ${vars.k3s_agent_group} group`;

export function k3sTasks(vars: K3sVars, ctx: RoleContext, upgrade = false): Task[] {
  const s = nodeSetup(vars, ctx, upgrade);
  const other = (kind: NodeKind | undefined) => kind === undefined ? notInCluster(vars) : `not ${kind === 'agent' ? 'a server' : 'an agent'}`;
  const prereqNote = (): PlanEntry[] => [{ kind: 'note', text: `sysctls ${Object.keys(SYSCTLS).join(', ')} = 1; modules ${vars.k3s_kernel_modules.join(', ')}; no swap; ${vars.k3s_required_binaries.join(', ')} present` }];
  return [
    nodeTask(s, 'k3s prerequisites', () => true, () => notInCluster(vars), async (c, x) => {
      await prefetch(c, nodeReads(x));
      return prerequisites(c, x.vars);
    }, prereqNote),
    nodeTask(s, 'k3s first server (cluster-init)', (k) => k === 'first-server', (k) => k === undefined ? notInCluster(vars) : 'not the first server', firstServer),
    nodeTask(s, 'k3s join servers (one at a time)', (k) => k === 'server', (k) => k === 'first-server' ? 'the first server initialises the cluster' : other(k), joinServer),
    nodeTask(s, 'k3s join agents', (k) => k === 'agent', other, joinAgent),
  ];
}
