/** The verify task: facts read once (verify.ts), rows computed purely, printed as a table; bounded. */
import { CapstanError } from '../../lib/errors.ts';
import { formatTable } from '../../lib/role-kit/index.ts';
import type { Task } from '../../lib/role.ts';
import { verifyFacts, verifyRows } from './verify.ts';
import type { ObservabilityVars } from './vars.ts';

export function verifyTask(name: string, v: ObservabilityVars): Task {
  return {
    name, tags: ['verify', 'prometheus', 'grafana', 'kiali', 'jaeger'], runOnce: true,
    describe: () => [{
      kind: 'note',
      text: `verify: each component available, its Service present${v.observability_verify_live ? `; through a port-forward: Prometheus targets up, Grafana's data source healthy, Kiali's and Jaeger's health (${v.observability_verify_timeout}s each)` : ''}`,
    }],
    async run(ctx) {
      const rows = verifyRows(v, await verifyFacts(await ctx.cluster(), v));
      const table = formatTable(rows);
      const failed = rows.filter((r) => r.result === 'FAIL');
      if (failed.length && !ctx.check) {
        throw new CapstanError(`observability verify: ${failed.map((r) => r.check).join(', ')} failed\n${table}`, {
          hint: 'see the FAIL rows; kubectl describe the objects they name',
        });
      }
      const warned = rows.filter((r) => r.result === 'warn').length;
      const note = [
        failed.length ? `check mode: ${failed.length} check${failed.length === 1 ? '' : 's'} would fail now (reported only)` : '',
        warned ? `${warned} check${warned === 1 ? '' : 's'} could not reach a process here (warn: reported only)` : '',
      ].filter(Boolean).join('; ');
      return { status: 'ok', msg: `${note}\n${table}`, data: { verify: rows } };
    },
  };
}
