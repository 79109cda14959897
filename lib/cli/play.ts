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
import type { AnsibleConfig } from '../config/ansible-cfg.ts';
import { cliConfig, configNotes } from './config.ts';
import { openInventory } from './inventory-source.ts';
import { sshSystem } from '../transport/openssh-files.ts';
import { terminalAsk } from './prompt.ts';
import { limitPattern, writeRetryFile } from './run-controls.ts';
import { playOutputs, startFailure } from './play-output.ts';
import type { PlayOutputs } from './play-output.ts';
import { jsonReporter } from '../report/json.ts';
import { profile } from '../report/profile.ts';

export const OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
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
  'vault-id': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean', short: 'J' },
  'ask-become-pass': { type: 'boolean', short: 'K' },
  'start-at-task': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  profile: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const PLAY_USAGE = `usage: npm run play -- --inventory <name|path> [options]

  -i, --inventory X          inventory name under inventory/, or a path (folder or hosts file);
                             repeatable (merged as Ansible merges); default: ansible.cfg inventory
      --playbook X           playbook name under playbooks/ (default: site) or a path
  -t, --tags a,b             run only tasks with these tags (repeatable)
      --skip-tags a,b        skip tasks with these tags (repeatable)
  -l, --limit PATTERN        further limit hosts with a host pattern; @FILE: the hosts in FILE (a .retry file)
      --start-at-task NAME   start at the first task with this name (role : name, wildcards allowed)
  -e, --extra-vars X         key=value, @file.yml or JSON (repeatable, highest precedence)
      --plan                 offline: print tasks, resolved vars, releases, manifests; connect nowhere
  -C, --check                read current state, change nothing
  -D, --diff                 show what changes (or would change)
  -f, --forks N              hosts at once per task (default: all targeted, at most 50)
      --list-hosts           list the hosts each play targets (offline; with --list-tasks: both)
      --list-tasks           list the tasks that would run (offline)
      --list-tags            list the tags of the tasks that would run (offline)
  -v                         verbose (task data, verbose lines)
      --json                 one JSON event per line (CI; schema docs/events.schema.json)
      --json-log FILE        also append the JSON events to FILE (ansible.cfg log_path)
      --report FILE          also write a self-contained HTML report of the run to FILE
      --detailed-exitcode    exit 6 when something changed (with --check: would change)
      --kube-context NAME    kubeconfig context (the kube_context var)
      --vault-password-file F  file holding the vault password
      --vault-id ID@SRC      a vault password: label@file, label@prompt, or prompt (repeatable)
  -J, --ask-vault-pass       ask for the vault password on the terminal
  -K, --ask-become-pass      ask for the become (sudo) password on the terminal
      --accept-new-host-keys trust and record keys of hosts not yet in known_hosts
      --profile              after the run, print on stderr where its time went (phases; SSH
                             connects, remote commands, API requests, helm processes)
  -h, --help                 this help

exit codes: 0 ok, 2 a host failed, 4 a host unreachable, 5 invalid input (nothing ran),
  6 changes pending (only with --detailed-exitcode), 99 interrupted, 1 internal
`;

/** A playbook given as a path is relative to where the user ran the command; a name stays a name. */
function playbookFromUserCwd(nameOrPath: string, cwd: string): string {
  return nameOrPath.includes('/') || nameOrPath.endsWith('.ts') ? resolve(cwd, nameOrPath) : nameOrPath;
}

/** The terminal prompt, when stdin is a terminal (then --ask-* and encrypted keys can be asked for). */
function optionalAsk(): { ask?: NonNullable<ReturnType<typeof terminalAsk>> } {
  const ask = terminalAsk();
  return ask ? { ask } : {};
}

/** The SSH files of the user (HOME, CAPSTAN_SYSCONFDIR for /etc) and the key passphrase prompt. */
function sshSettings(io: CliIO): NonNullable<PlaybookRunOptions['ssh']> {
  const ask = terminalAsk();
  return { system: sshSystem(io.env), ...(ask ? { askPassphrase: (file: string) => ask(`Enter passphrase for key '${file}': `) } : {}) };
}

type Values = ReturnType<typeof parseCli<typeof OPTIONS>>['values'];

function modeOf(v: Values): PlaybookRunOptions['mode'] {
  const lists = (['hosts', 'tasks', 'tags'] as const).filter((k) => v[`list-${k}`]);
  if (lists.length) return { list: lists };
  return v.plan ? 'plan' : 'run';
}

function outputsOf(v: Values, io: CliIO, config: AnsibleConfig): PlayOutputs {
  if (v['detailed-exitcode'] && (v.plan || v['list-hosts'] || v['list-tasks'] || v['list-tags'])) {
    throw new InputError([{ file: '', key: '--detailed-exitcode', message: 'says whether a run changed (or with --check would change) something; --plan and --list-* change nothing: drop one of them' }]);
  }
  return playOutputs({
    json: v.json ?? config.settings.stdoutCallback === 'json', verbosity: v.verbose?.length ?? 0, diff: v.diff ?? false, planMode: v.plan ?? false,
    ...(v['json-log'] ?? config.settings.logPath ? { jsonLog: v['json-log'] ?? config.settings.logPath } : {}),
    ...(v.report !== undefined ? { report: v.report } : {}),
  }, io);
}

export async function playMain(argv: readonly string[], io: CliIO, signal?: AbortSignal, force?: AbortSignal): Promise<number> {
  const json = argv.includes('--json');
  profile.reset();
  // since the process started (performance's time origin): Node's start and the CLI's modules
  profile.phase('Node start + module load', 0);
  let outputs: PlayOutputs | undefined;
  try {
    const { values: v } = parseCli(argv, OPTIONS);
    if (v.help) { io.stdout.write(PLAY_USAGE); return ExitCode.ok; }
    const config = cliConfig(io);
    if (v.verbose?.length) for (const note of configNotes(config)) io.stderr.write(`[capstan] ${note}\n`);
    outputs = outputsOf(v, io, config);
    const t0 = performance.now();
    const source = await openInventory({
      inventory: v.inventory, extraVars: many(v['extra-vars']), vaultPasswordFile: v['vault-password-file'],
      vaultIds: many(v['vault-id']), askVaultPass: v['ask-vault-pass'] ?? false, askBecomePass: v['ask-become-pass'] ?? false,
      config, ...optionalAsk(),
    }, io);
    profile.phase('inventory (load, resolve, vault)', t0);
    const kubeContext = v['kube-context'] !== undefined ? [{ source: '--kube-context', vars: { kube_context: v['kube-context'] } }] : [];
    const forks = positiveInt(v.forks, '--forks') ?? config.settings.forks;
    const limit = limitPattern(v.limit, io.cwd);
    const playbook = v.playbook !== undefined ? playbookFromUserCwd(v.playbook, io.cwd) : 'site';
    const outcome = await runPlaybook({
      projectDir: io.projectDir, source: source.source, extraVars: [...source.extraVars, ...kubeContext], reporter: outputs.reporter,
      tags: parseTagList(many(v.tags)), skipTags: parseTagList(many(v['skip-tags'])),
      check: v.check ?? false, diff: v.diff ?? false, mode: modeOf(v),
      detailedExitcode: v['detailed-exitcode'] ?? false, planInRun: outputs.wantsPlan,
      acceptNewHostKeys: v['accept-new-host-keys'] ?? false, playbook, ssh: sshSettings(io),
      ...(limit !== undefined ? { limit } : {}),
      ...(v['start-at-task'] !== undefined ? { startAtTask: v['start-at-task'] } : {}),
      ...(forks !== undefined ? { forks } : {}),
      ...(signal ? { signal } : {}),
      ...(force ? { force } : {}),
    });
    if (config.settings.retryFilesEnabled) {
      const retry = writeRetryFile(outcome.hosts, playbook, config.settings.retryFilesSavePath ?? io.cwd);
      if (retry) io.stderr.write(`to retry, use: --limit @${retry}\n`);
    }
    return outcome.exitCode;
  } catch (err) {
    const code = reportError(err, io);
    // The console has the error on stderr; --json and the files get it as events.
    if (outputs) outputs.failed(startFailure(err, code));
    else if (json) startFailure(err, code).forEach((e) => jsonReporter(io.stdout).emit(e));
    return code;
  } finally {
    outputs?.close();
    if (argv.includes('--profile')) io.stderr.write(profile.text());
  }
}

/**
 * The process around playMain. Ctrl-C once: nothing new starts, connections close, and a running
 * helm may finish or roll back first (helm_interrupt_grace); twice: what still runs is stopped at
 * once and the state it leaves is said; three times: exit without cleanup. Exit 99 (docs/exit-codes.md).
 */
export async function playCli(argv: readonly string[]): Promise<number> {
  const stop = new AbortController();
  const force = new AbortController();
  let presses = 0;
  const onInt = (): void => {
    presses++;
    if (presses === 1) {
      process.stderr.write('\n[interrupted: stopping; closing connections; a running helm may finish or roll back first (helm_interrupt_grace); Ctrl-C again to stop at once]\n');
      stop.abort();
    } else if (presses === 2) {
      process.stderr.write('\n[stopping at once: what still runs is stopped and the state it leaves is said below; Ctrl-C again to quit without cleanup]\n');
      force.abort();
      // a backstop: the forced stop should end the run in moments
      setTimeout(() => process.exit(ExitCode.interrupted), 15_000).unref();
    } else {
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onInt);
  const code = await playMain(argv, processIO(PROJECT_DIR), stop.signal, force.signal);
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onInt);
  return stop.signal.aborted ? ExitCode.interrupted : code;
}

if (isMain(import.meta.url)) process.exitCode = await playCli(process.argv.slice(2));
