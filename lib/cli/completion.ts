/**
 * Shell completion for `capstan`: `capstan completion bash|zsh` prints a script that asks
 * `capstan __complete <index> <words...>` for the candidates of the word at <index>:
 * commands, each command's flags, `--tags`/`--skip-tags` from the playbook's roles and tasks,
 * `--limit` from the inventory's hosts and groups, `-i` from the names under inventory/.
 * Nothing printed means "complete file names" (the scripts fall back to that).
 * Completion never fails loudly: an inventory that does not load gives no candidates.
 */
import { COMMAND_SUMMARIES } from './commands.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../report/events.ts';
import { PROJECT_DIR, processIO, userCwd } from './args.ts';
import type { CliIO } from './args.ts';

const BASH = `# capstan bash completion: source <(capstan completion bash)
_capstan() {
  local IFS=$'\\n'
  COMPREPLY=( $(capstan __complete "$COMP_CWORD" "\${COMP_WORDS[@]}" 2>/dev/null) )
}
complete -o default -o nospace -F _capstan capstan
`;

const ZSH = `#compdef capstan
# capstan zsh completion: source <(capstan completion zsh)   (after compinit)
_capstan() {
  local -a candidates
  candidates=("\${(@f)$(capstan __complete $((CURRENT - 1)) "\${words[@]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then compadd -S '' -- "\${candidates[@]}"; else _files; fi
}
compdef _capstan capstan
`;

export async function completionMain(argv: readonly string[], io: CliIO): Promise<number> {
  const shell = argv[0];
  if (shell === 'bash') io.stdout.write(BASH);
  else if (shell === 'zsh') io.stdout.write(ZSH);
  else {
    io.stderr.write('usage: capstan completion bash|zsh   (then: source <(capstan completion bash), or add that line to ~/.bashrc)\n');
    return 5;
  }
  return 0;
}

type Options = Readonly<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

async function optionsOf(command: string): Promise<Options | undefined> {
  if (command === 'play') return (await import('./play.ts')).OPTIONS;
  if (command === 'inventory') return (await import('./inventory.ts')).OPTIONS;
  if (command === 'doc') return (await import('./doc.ts')).OPTIONS;
  return undefined;
}

/** The value given for a flag earlier on the line (`-i X`, `--inventory X`, `--inventory=X`). */
function flagValue(words: readonly string[], long: string, short?: string): string | undefined {
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    if (w.startsWith(`--${long}=`)) return w.slice(long.length + 3);
    if ((w === `--${long}` || (short && w === `-${short}`)) && words[i + 1] !== undefined) return words[i + 1];
  }
  return undefined;
}

const names = (dir: string, strip = ''): string[] => {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith('.')).map((n) => (strip && n.endsWith(strip) ? n.slice(0, -strip.length) : n));
  } catch {
    return [];
  }
};

async function tagCandidates(words: readonly string[], cwd: string): Promise<string[]> {
  const { loadPlaybook, loadRoles, roleDirs } = await import('../runner/load.ts');
  const { roleTags, SPECIAL_TAGS } = await import('../runner/tags.ts');
  const given = flagValue(words, 'playbook');
  const nameOrPath = given && (given.includes('/') || given.endsWith('.ts')) ? join(cwd, given) : given ?? 'site';
  const { playbook, file } = await loadPlaybook(nameOrPath, PROJECT_DIR);
  const roles = await loadRoles(playbook, roleDirs(file, PROJECT_DIR));
  const tags = new Set<string>([...SPECIAL_TAGS]);
  for (const role of roles.values()) for (const t of roleTags(role)) tags.add(t);
  for (const t of await taskTagsFromInventory(words, cwd, [...roles.values()])) tags.add(t);
  return [...tags].sort();
}

/** Task-level tags (`verify`...) exist once a role builds its tasks, which needs an inventory. */
async function taskTagsFromInventory(words: readonly string[], cwd: string, roles: readonly { tasks: unknown }[]): Promise<string[]> {
  const hosts = await inventoryOf(words, cwd);
  if (!hosts || roles.length === 0) return [];
  const out: string[] = [];
  const { runPlaybook } = await import('../runner/index.ts');
  const given = flagValue(words, 'playbook');
  // The list event carries each play's tasks with their tags.
  const reporter = { emit: (e: RunEvent) => { if (e.type === 'list') for (const p of e.plays) for (const t of p.tasks) out.push(...t.tags); } };
  await runPlaybook({
    projectDir: PROJECT_DIR, source: hosts.source, mode: { list: 'tags' }, reporter,
    ...(given ? { playbook: given.includes('/') || given.endsWith('.ts') ? join(cwd, given) : given } : {}),
  }).catch(() => undefined);
  return out;
}

/** The inventory of `-i`, else of ansible.cfg / ANSIBLE_INVENTORY; undefined when none loads. */
async function inventoryOf(words: readonly string[], cwd: string) {
  const inventory = flagValue(words, 'inventory', 'i');
  const { openInventory } = await import('./inventory-source.ts');
  const { cliConfig } = await import('./config.ts');
  const io = { ...processIO(PROJECT_DIR), cwd };
  try {
    const config = cliConfig(io);
    if (!inventory && !config.settings.inventory) return undefined;
    return await openInventory({ inventory, vaultPasswordFile: flagValue(words, 'vault-password-file'), config }, io);
  } catch {
    return undefined; // completion offers nothing rather than an error in the middle of the command line
  }
}

async function limitCandidates(words: readonly string[], cwd: string): Promise<string[]> {
  const opened = await inventoryOf(words, cwd);
  if (!opened) return [];
  return [...new Set([...Object.keys(opened.inventory.groups), ...opened.inventory.hosts])].sort();
}

async function valueCandidates(command: string, flag: string, words: readonly string[], cwd: string): Promise<string[] | undefined> {
  if (command === 'play' && (flag === '--tags' || flag === '-t' || flag === '--skip-tags')) return tagCandidates(words, cwd);
  if (command === 'play' && (flag === '--limit' || flag === '-l')) return limitCandidates(words, cwd);
  if (flag === '--inventory' || flag === '-i') return names(join(PROJECT_DIR, 'inventory'));
  if (flag === '--playbook') return names(join(PROJECT_DIR, 'playbooks'), '.ts');
  if (command === 'doc' && !flag.startsWith('-')) return names(join(PROJECT_DIR, 'roles'));
  return undefined;
}

/** The candidates for words[index]; a comma list (`--tags a,b`) completes its last item. */
export async function candidates(index: number, words: readonly string[], cwd: string): Promise<string[]> {
  const current = words[index] ?? '';
  const before = words.slice(0, index);
  if (index <= 1) {
    return [...Object.keys(COMMAND_SUMMARIES), '--version', '--help'].filter((c) => c.startsWith(current));
  }
  const command = words[1]!;
  if (command === 'completion') return ['bash', 'zsh'].filter((s) => s.startsWith(current));
  const options = await optionsOf(command);
  if (current.startsWith('-') && options) {
    return Object.entries(options).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]).filter((f) => f.startsWith(current)).sort();
  }
  const prev = before[before.length - 1] ?? '';
  const takesValue = options && Object.entries(options).some(([long, o]) => o.type === 'string' && (prev === `--${long}` || prev === `-${o.short}`));
  const values = await valueCandidates(command, takesValue ? prev : current, before, cwd).catch(() => undefined);
  if (!values) return [];
  const comma = current.lastIndexOf(',');
  const head = comma >= 0 ? current.slice(0, comma + 1) : '';
  const tail = current.slice(head.length);
  return values.filter((v) => v.startsWith(tail)).map((v) => head + v);
}

/** `capstan __complete <index> <words...>`: one candidate per line. */
export async function completeMain(argv: readonly string[], out: { write(s: string): unknown }): Promise<number> {
  const index = Number(argv[0]);
  const words = argv.slice(1);
  if (!Number.isInteger(index) || index < 0) return 0;
  const found = await candidates(index, words, userCwd(process.env, process.cwd()));
  if (found.length) out.write(`${found.join('\n')}\n`);
  return 0;
}
