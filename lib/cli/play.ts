/**
 * `npm run play -- --inventory production --tags istio [--plan|--check|--diff|--list-*]`:
 * ansible-playbook's flags and exit codes (docs/cli.md, docs/exit-codes.md).
 */
import { resolve } from 'node:path';
import { ExitCode, InputError } from '../errors.ts';
import { runPlaybook } from '../runner/index.ts';
import type { PlaybookRunOptions } from '../runner/index.ts';
import { parseTagList } from '../runner/tags.ts';
import { isMain, many, parseCli, positiveInt, processIO, PROJECT_DIR, reportError } from './args.ts';
import type { CliIO } from './args.ts';
import { openInventory } from './inventory-source.ts';
import { playOutputs, startFailure } from './play-output.ts';
import type { PlayOutputs } from './play-output.ts';
import { jsonReporter } from '../report/json.ts';

export const OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  playbook: { type: 'string' },
  tags: { type: 'string', short: 't', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  limit: { type: 'string', short: 'l' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  plan: { type: 'boolean' },
  check: { type: 'boolean', short: 'C' },
  diff: { type: 'boolean', short: 'D' },
  forks: { type: 'string', short: 'f' },
  'list-hosts': { type: 'boolean' },
  'list-tasks': { type: 'boolean' },
  'list-tags': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  json: { type: 'boolean' },
  'json-log': { type: 'string' },
  report: { type: 'string' },
  'detailed-exitcode': { type: 'boolean' },
  'kube-context': { type: 'string' },
  'vault-password-file': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const PLAY_USAGE = `usage: npm run play -- --inventory <name|path> [options]

  -i, --inventory X          inventory name under inventory/, or a path (folder or hosts file)
      --playbook X           playbook name under playbooks/ (default: site) or a path
  -t, --tags a,b             run only tasks with these tags (repeatable)
      --skip-tags a,b        skip tasks with these tags (repeatable)
  -l, --limit PATTERN        further limit hosts with a host pattern
  -e, --extra-vars X         key=value, @file.yml or JSON (repeatable, highest precedence)
      --plan                 offline: print tasks, resolved vars, releases, manifests; connect nowhere
  -C, --check                read current state, change nothing
  -D, --diff                 show what changes (or would change)
  -f, --forks N              hosts at once per task (default: all targeted, at most 50)
      --list-hosts           list the hosts each play targets (offline)
      --list-tasks           list the tasks that would run (offline)
      --list-tags            list the tags of the tasks that would run (offline)
  -v                         verbose (task data, verbose lines)
      --json                 one JSON event per line (CI; schema docs/events.schema.json)
      --json-log FILE        also append the JSON events to FILE (ansible.cfg log_path)
      --report FILE          also write a self-contained HTML report of the run to FILE
      --detailed-exitcode    exit 6 when something changed (with --check: would change)
      --kube-context NAME    kubeconfig context (the kube_context var)
      --vault-password-file F  file holding the vault password
      --accept-new-host-keys trust and record keys of hosts not yet in known_hosts
  -h, --help                 this help

exit codes: 0 ok, 2 a host failed, 4 a host unreachable, 5 invalid input (nothing ran),
  6 changes pending (only with --detailed-exitcode), 99 interrupted, 1 internal
`;

/** A playbook given as a path is relative to where the user ran the command; a name stays a name. */
function playbookFromUserCwd(nameOrPath: string, cwd: string): string {
  return nameOrPath.includes('/') || nameOrPath.endsWith('.ts') ? resolve(cwd, nameOrPath) : nameOrPath;
}

type Values = ReturnType<typeof parseCli<typeof OPTIONS>>['values'];

function modeOf(v: Values): PlaybookRunOptions['mode'] {
  if (v['list-hosts']) return { list: 'hosts' };
  if (v['list-tasks']) return { list: 'tasks' };
  if (v['list-tags']) return { list: 'tags' };
  return v.plan ? 'plan' : 'run';
}

function outputsOf(v: Values, io: CliIO): PlayOutputs {
  if (v['detailed-exitcode'] && (v.plan || v['list-hosts'] || v['list-tasks'] || v['list-tags'])) {
    throw new InputError([{ file: '', key: '--detailed-exitcode', message: 'says whether a run changed (or with --check would change) something; --plan and --list-* change nothing: drop one of them' }]);
  }
  return playOutputs({
    json: v.json ?? false, verbosity: v.verbose?.length ?? 0, diff: v.diff ?? false, planMode: v.plan ?? false,
    ...(v['json-log'] !== undefined ? { jsonLog: v['json-log'] } : {}),
    ...(v.report !== undefined ? { report: v.report } : {}),
  }, io);
}

export async function playMain(argv: readonly string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  const json = argv.includes('--json');
  let outputs: PlayOutputs | undefined;
  try {
    const { values: v } = parseCli(argv, OPTIONS);
    if (v.help) { io.stdout.write(PLAY_USAGE); return ExitCode.ok; }
    outputs = outputsOf(v, io);
    const source = await openInventory({
      inventory: v.inventory, extraVars: many(v['extra-vars']), vaultPasswordFile: v['vault-password-file'],
    }, io);
    const kubeContext = v['kube-context'] !== undefined ? [{ source: '--kube-context', vars: { kube_context: v['kube-context'] } }] : [];
    const forks = positiveInt(v.forks, '--forks');
    const outcome = await runPlaybook({
      projectDir: io.projectDir, source: source.source, extraVars: [...source.extraVars, ...kubeContext], reporter: outputs.reporter,
      tags: parseTagList(many(v.tags)), skipTags: parseTagList(many(v['skip-tags'])),
      check: v.check ?? false, diff: v.diff ?? false, mode: modeOf(v),
      detailedExitcode: v['detailed-exitcode'] ?? false, planInRun: outputs.wantsPlan,
      acceptNewHostKeys: v['accept-new-host-keys'] ?? false,
      ...(v.playbook !== undefined ? { playbook: playbookFromUserCwd(v.playbook, io.cwd) } : {}),
      ...(v.limit !== undefined ? { limit: v.limit } : {}),
      ...(forks !== undefined ? { forks } : {}),
      ...(signal ? { signal } : {}),
    });
    return outcome.exitCode;
  } catch (err) {
    const code = reportError(err, io);
    // The console has the error on stderr; --json and the files get it as events.
    if (outputs) outputs.failed(startFailure(err, code));
    else if (json) startFailure(err, code).forEach((e) => jsonReporter(io.stdout).emit(e));
    return code;
  } finally {
    outputs?.close();
  }
}

/** The process around playMain: Ctrl-C stops the run cleanly (twice: at once), then the exit code. */
export async function playCli(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const onInt = (): void => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    process.stderr.write('\n[interrupted: stopping; closing connections (Ctrl-C again to quit at once)]\n');
    controller.abort();
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onInt);
  const code = await playMain(argv, processIO(PROJECT_DIR), controller.signal);
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onInt);
  return controller.signal.aborted ? ExitCode.interrupted : code;
}

if (isMain(import.meta.url)) process.exitCode = await playCli(process.argv.slice(2));
