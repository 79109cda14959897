/**
 * `npm run dashboard -- kiali|grafana|jaeger|prometheus [play options]` (or `capstan dashboard`):
 * the observability role's dashboard task (roles/observability/dashboard.ts) run through `play`
 * with `--tags dashboard`, so the forward uses the cluster access every run has (kubeconfig, or
 * the SSH tunnel to the first server, vault and all). Prints the URL; stays until Ctrl-C.
 *
 *   npm run dashboard -- kiali -i inventory/production
 *   npm run dashboard -- grafana -i inventory/production -e observability_dashboard_port=3001
 */
import { isMain } from './args.ts';
import { playCli } from './play.ts';

export const DASHBOARDS = ['kiali', 'grafana', 'jaeger', 'prometheus'] as const;
export const DASHBOARD_USAGE = `usage: npm run dashboard -- ${DASHBOARDS.join('|')} -i <inventory> [play options]\n`;

/** The play command line that opens one dashboard; undefined for an unknown name. */
export function dashboardArgs(argv: readonly string[]): string[] | undefined {
  const [name, ...rest] = argv;
  if (!name || !(DASHBOARDS as readonly string[]).includes(name)) return undefined;
  return ['--tags', 'dashboard', '-e', JSON.stringify({ observability_dashboard: name }), ...rest];
}

export async function dashboardCli(argv: readonly string[]): Promise<number> {
  const args = dashboardArgs(argv);
  if (!args) {
    process.stderr.write(`ERROR! ${argv[0] === undefined ? 'which dashboard?' : `unknown dashboard ${JSON.stringify(argv[0])}`}\n${DASHBOARD_USAGE}`);
    return 5;
  }
  return playCli(args);
}

if (isMain(import.meta.url)) process.exitCode = await dashboardCli(process.argv.slice(2));
