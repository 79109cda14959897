/**
 * lb-config: haproxy.cfg, the F5 AS3 declaration and tmsh commands for the load balancers in
 * front of the nodes, generated from the inventory into lb_output_dir. Offline: it reads only
 * vars, hostvars and groups, never a connection (`--tags lb-config` works on a fresh clone).
 */
import { join, relative, resolve, basename } from 'node:path';
import { generateLb } from '../../lib/lb/generate.ts';
import type { LbOutput } from '../../lib/lb/generate.ts';
import { readIfExists, writeFileAtomic } from '../../lib/lb/local-files.ts';
import { unifiedDiff } from '../../lib/diff.ts';
import { InputError } from '../../lib/errors.ts';
import { readLbVars } from '../../lib/lb/cluster-vars.ts';
import { ALLOW_PLAIN_SECRETS, plainSecretProblem } from '../../lib/vars/validate.ts';
import { lbInput, lbValidate } from '../../lib/lb/role-input.ts';
import { lbVars } from '../../lib/lb/vars.ts';
import type { LbVars } from '../../lib/lb/vars.ts';
import { defineRole } from '../../lib/role.ts';
import type { RoleContext, TaskContext, TaskResult } from '../../lib/role.ts';

/** Where the files go: lb_output_dir, else out/<inventory name>/lb (relative to the working folder). */
export function lbOutputDir(vars: LbVars, inventoryDir: string): string {
  return resolve(vars.lb_output_dir ?? join('out', basename(inventoryDir), 'lb'));
}

function writeOutput(out: LbOutput, dir: string, ctx: TaskContext): TaskResult {
  const changed: string[] = [];
  const diffs: string[] = [];
  for (const file of out.files) {
    const path = join(dir, file.name);
    const before = readIfExists(path);
    if (before === file.content) continue;
    changed.push(file.name);
    if (ctx.diff) diffs.push(unifiedDiff(relative(process.cwd(), path) || path, before ?? '', file.content));
    if (!ctx.check) writeFileAtomic(path, file.content, file.mode);
  }
  const shown = relative(process.cwd(), dir) || dir;
  const summary = `${out.model.frontends.length} frontends, ${out.model.backends.length} backends, ` +
    `${new Set(out.model.backends.flatMap((b) => b.members.map((m) => m.address))).size} nodes`;
  const notes = out.notes.length ? `; ${out.notes.join('; ')}` : '';
  return {
    status: changed.length ? 'changed' : 'ok',
    msg: changed.length ? `${ctx.check ? 'would write' : 'wrote'} ${changed.join(', ')} in ${shown} (${summary})${notes}`
      : `${out.files.map((f) => f.name).join(', ')} in ${shown} up to date (${summary})${notes}`,
    ...(diffs.length ? { diff: diffs.join('\n') } : {}),
    data: { dir, files: out.files.map((f) => join(dir, f.name)), changed },
  };
}

/** The group the haproxy role deploys to (playbooks/site.ts). */
export const LB_GROUP = 'loadbalancers';

/**
 * One model for both: the lb vars the load balancers get themselves (group_vars/loadbalancers.yml,
 * host_vars/lb1.yml), read from the group's first host, so the offline files match what the
 * haproxy role deploys. Without load-balancer hosts (F5 only), this host's own vars.
 */
export function balancerLbVars(own: LbVars, ctx: Pick<RoleContext, 'hostvars' | 'groups'>): LbVars {
  const lb = ctx.groups[LB_GROUP]?.[0];
  const theirs = lb ? ctx.hostvars[lb] : undefined;
  if (!theirs) return own;
  const plain = Object.entries(lbVars).filter(([, d]) => (d as { secret?: boolean }).secret)
    .flatMap(([name]) => plainSecretProblem(name, theirs[name], theirs[ALLOW_PLAIN_SECRETS], `hostvars of ${lb}`));
  if (plain.length) throw new InputError(plain, 'invalid load-balancer vars');
  return readLbVars(theirs);
}

export default defineRole({
  name: 'lb-config',
  description: 'Generate haproxy.cfg, the F5 AS3 declaration and tmsh commands from the inventory (offline)',
  tags: ['lb-config'],
  vars: lbVars,
  validate: (vars, ctx) => lbValidate(vars, ctx),
  tasks(own, ctx) {
    const vars = balancerLbVars(own, ctx);
    // Generated here, before anything runs: empty node groups or F5 members without IPs are input errors.
    const output = generateLb(lbInput(vars, ctx), ctx.inventoryDir, { checkVars: false });
    const dir = lbOutputDir(vars, ctx.inventoryDir);
    return [{
      name: 'write load-balancer config',
      runOnce: true,
      describe: () => output.files.map((f) => ({ kind: 'file' as const, path: join(dir, f.name), mode: f.mode.toString(8).padStart(4, '0'), content: f.content })),
      run: async (tctx) => writeOutput(output, dir, tctx),
    }];
  },
});
