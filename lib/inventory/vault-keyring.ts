/**
 * Where vault passwords come from, as ansible-playbook takes them:
 *   --vault-password-file FILE  (or `label@FILE`, as --vault-id): a file whose content (whitespace
 *                               trimmed) is the password, or an executable script whose stdout is;
 *                               a script named `*-client*` gets `--vault-id <label>`, as Ansible does.
 *   CAPSTAN_VAULT_PASSWORD      the password itself (vault-id `default`).
 *   ANSIBLE_VAULT_PASSWORD_FILE a password file or script, as above.
 * The script runs directly (execFile, no shell), bounded by a timeout.
 */
import { execFile } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { promisify } from 'node:util';
import { InventoryError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import type { VaultKeyring, VaultSecret } from './vault.ts';

const run = promisify(execFile);
const SCRIPT_TIMEOUT_MS = 30_000;

export interface KeyringOptions {
  passwordFile?: string;
  /** More `[label@]file` sources (--vault-id, ansible.cfg vault_password_file / vault_identity_list). */
  passwordFiles?: readonly { spec: string; what: string }[];
  /** Labels to ask for on the terminal (--ask-vault-pass: default, --vault-id label@prompt). */
  prompts?: readonly string[];
  /** Asks on the terminal; without it a prompt source is an error saying what to give instead. */
  ask?: (prompt: string) => Promise<string>;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function splitVaultId(spec: string): { id: string; path: string } {
  const at = spec.indexOf('@');
  // `label@file`; a plain path may contain '@' only after a '/'
  if (at > 0 && !spec.slice(0, at).includes('/')) return { id: spec.slice(0, at), path: spec.slice(at + 1) };
  return { id: 'default', path: spec };
}

async function readPasswordFile(spec: string, cwd: string, what: string): Promise<VaultSecret> {
  const { id, path: rel } = splitVaultId(spec);
  const path = resolve(cwd, rel);
  let text: string;
  try {
    if (await isExecutable(path)) {
      const args = basename(path).replace(/\.[^.]*$/, '').endsWith('-client') ? ['--vault-id', id] : [];
      text = (await run(path, args, { cwd, timeout: SCRIPT_TIMEOUT_MS, encoding: 'utf8' })).stdout;
    } else {
      text = await readFile(path, 'utf8');
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const reason = err.code === 'ENOENT' ? 'no such file' : (err.stderr?.trim() || err.message);
    throw new InventoryError([{ file: path, key: what, message: `cannot read the vault password: ${reason}: check the path (or make the script exit 0)` }]);
  }
  const password = text.trim();
  if (!password) throw new InventoryError([{ file: path, key: what, message: 'the vault password file is empty: put the password in it' }]);
  registerSecret(password);
  return { id, password: Buffer.from(password, 'utf8') };
}

async function askPassword(id: string, ask: KeyringOptions['ask']): Promise<VaultSecret> {
  if (!ask) {
    throw new InventoryError([{ file: '', key: id === 'default' ? '--ask-vault-pass' : `--vault-id ${id}@prompt`, message: 'no terminal to ask for the vault password on: give --vault-password-file FILE or --vault-id label@FILE instead' }]);
  }
  const password = (await ask(id === 'default' ? 'Vault password: ' : `Vault password (${id}): `)).trim();
  if (!password) throw new InventoryError([{ file: '', key: id, message: 'the vault password given is empty' }]);
  registerSecret(password);
  return { id, password: Buffer.from(password, 'utf8') };
}

/** The vault passwords given to this run, or undefined when none were given. */
export async function readVaultKeyring(options: KeyringOptions): Promise<VaultKeyring | undefined> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const secrets: VaultSecret[] = [];
  if (options.passwordFile) secrets.push(await readPasswordFile(options.passwordFile, cwd, '--vault-password-file'));
  for (const { spec, what } of options.passwordFiles ?? []) secrets.push(await readPasswordFile(spec, cwd, what));
  for (const id of options.prompts ?? []) secrets.push(await askPassword(id, options.ask));
  const direct = env.CAPSTAN_VAULT_PASSWORD;
  if (direct) {
    registerSecret(direct);
    secrets.push({ id: 'default', password: Buffer.from(direct, 'utf8') });
  }
  const file = env.ANSIBLE_VAULT_PASSWORD_FILE;
  if (file) secrets.push(await readPasswordFile(file, cwd, 'ANSIBLE_VAULT_PASSWORD_FILE'));
  return secrets.length ? { secrets } : undefined;
}
