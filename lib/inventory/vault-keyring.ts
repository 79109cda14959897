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

/** The vault passwords given to this run, or undefined when none were given. */
export async function readVaultKeyring(options: KeyringOptions): Promise<VaultKeyring | undefined> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const secrets: VaultSecret[] = [];
  if (options.passwordFile) secrets.push(await readPasswordFile(options.passwordFile, cwd, '--vault-password-file'));
  const direct = env.CAPSTAN_VAULT_PASSWORD;
  if (direct) {
    registerSecret(direct);
    secrets.push({ id: 'default', password: Buffer.from(direct, 'utf8') });
  }
  const file = env.ANSIBLE_VAULT_PASSWORD_FILE;
  if (file) secrets.push(await readPasswordFile(file, cwd, 'ANSIBLE_VAULT_PASSWORD_FILE'));
  return secrets.length ? { secrets } : undefined;
}
