/**
 * `npm run inventory -- --inventory X --list | --host H [--resolved]`: what ansible-inventory
 * prints for the same files (templates left unrendered), or with --resolved rendered per host.
 */
import { ExitCode, InputError } from '../errors.ts';
import { dedupeProblems } from '../vars/validate.ts';
import { formatAnsibleJson, resolvedAnsibleHost, resolvedAnsibleList } from '../inventory/index.ts';
import { mask } from '../secrets.ts';
import { many, parseCli, reportError, runIfMain } from './args.ts';
import type { CliIO } from './args.ts';
import { cliConfig } from './config.ts';
import { openInventory } from './inventory-source.ts';
import { terminalAsk } from './prompt.ts';

const askOnTerminal = () => {
  const ask = terminalAsk();
  return ask ? { ask } : {};
};

export const OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  list: { type: 'boolean' },
  host: { type: 'string' },
  resolved: { type: 'boolean' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  'vault-password-file': { type: 'string' },
  'vault-id': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean', short: 'J' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const INVENTORY_USAGE = `usage: npm run inventory -- --inventory <name|path> (--list | --host H) [--resolved]

  -i, --inventory X          inventory name under inventory/, or a path
      --list                 every group and host, as ansible-inventory --list prints it
      --host H               one host's vars, as ansible-inventory --host H prints it
      --resolved             render Jinja templates per host (with -e on top)
  -e, --extra-vars X         extra vars for --resolved (repeatable)
      --vault-password-file F  file holding the vault password
      --vault-id ID@SRC      a vault password: label@file, label@prompt, or prompt (repeatable)
  -J, --ask-vault-pass       ask for the vault password on the terminal
  (-i is repeatable, merged as Ansible merges; without it, ansible.cfg's inventory)
`;

export async function inventoryMain(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const { values: v } = parseCli(argv, OPTIONS);
    if (v.help) { io.stdout.write(INVENTORY_USAGE); return ExitCode.ok; }
    if (!v.list === !v.host) {
      throw new InputError([{ file: 'command line', key: '--list/--host', message: 'give exactly one of --list or --host H' }]);
    }
    const { inventory, extraVars } = await openInventory({
      inventory: v.inventory, extraVars: many(v['extra-vars']), vaultPasswordFile: v['vault-password-file'],
      vaultIds: many(v['vault-id']), askVaultPass: v['ask-vault-pass'] ?? false, config: cliConfig(io), ...askOnTerminal(),
    }, io);
    // as ansible-inventory: warnings (skipped files of a folder, orphan group_vars) on stderr
    for (const w of inventory.warnings ?? []) io.stderr.write(`[WARNING]: ${mask(w)}\n`);
    const host = v.host;
    if (host !== undefined && !inventory.hosts.includes(host)) {
      throw new InputError([{ file: inventory.hostsFile, key: host, message: 'no such host in the inventory; see --list' }]);
    }
    const options = { extraVars };
    const resolved = v.resolved ? (host !== undefined ? resolvedAnsibleHost(inventory, host, options) : resolvedAnsibleList(inventory, options)) : undefined;
    const data = resolved?.data ?? (host !== undefined ? inventory.toAnsibleHost(host) : inventory.toAnsibleList());
    io.stdout.write(`${mask(formatAnsibleJson(data))}\n`);
    // --resolved prints every var it can; the ones it cannot are error entries, listed here, exit 5
    if (resolved?.problems.length) {
      const problems = dedupeProblems(resolved.problems);
      io.stderr.write(`ERROR! ${mask(new InputError(problems, 'some vars could not be resolved (shown as __capstan_error entries)').message)}\n`);
      return ExitCode.invalidInput;
    }
    return ExitCode.ok;
  } catch (err) {
    return reportError(err, io);
  }
}

await runIfMain(import.meta.url, inventoryMain);
