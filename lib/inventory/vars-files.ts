/**
 * group_vars/<group> and host_vars/<host>, found as Ansible's host_group_vars plugin finds them:
 * the first that exists of `<name>` (a file, or a folder read recursively in sorted order,
 * skipping hidden files, `~` backups and unknown extensions), `<name>.yml`, `<name>.yaml`,
 * `<name>.json`. Each file is one layer; empty files are skipped. Vault-encrypted files and
 * inline `!vault` values are decrypted here and registered as secrets.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Problem } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import { nulProblems } from './hostile.ts';
import { readRegularFile, UnreadableFileError } from './read-file.ts';
import { FloatValue } from './python-float.ts';
import type { VarLayer } from './types.ts';
import { decryptVault, isVaultText, type VaultKeyring } from './vault.ts';
import { parseAnsibleYaml, VaultText, YamlSizeError, YamlTimestamp, yamlProblem, yamlWhere } from './yaml-ansible.ts';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

// Synchronous on purpose: hundreds of tiny files read faster without a promise per call, and
// the inventory is read once, before anything else runs.
// Something that cannot even be stat'ed (a symlink loop, a folder without search permission) is a
// 'file': reading it then says exactly what is wrong, naming the path.
export function pathKind(path: string): 'file' | 'dir' | undefined {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s ? (s.isDirectory() ? 'dir' : 'file') : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    return 'file';
  }
}

/** Where a vars folder that cannot be listed is reported. */
export type ListProblem = (path: string, error: unknown) => void;

/** The kinds of a folder's entries, from its listing (a symlink or anything odd: undefined, stat it). */
export type Listing = ReadonlyMap<string, 'file' | 'dir' | undefined>;

/** A listing entry's kind without a stat when the listing says it (regular file, folder). */
export function direntKind(d: Dirent): 'file' | 'dir' | undefined {
  return d.isFile() ? 'file' : d.isDirectory() ? 'dir' : undefined;
}

function dirFiles(dir: string, onError: ListProblem): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    onError(dir, e);
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const name = entry.name;
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const ext = extname(name);
    const full = join(dir, name);
    const k = direntKind(entry) ?? pathKind(full);
    if (k === 'dir' && !ext) out.push(...dirFiles(full, onError));
    else if (k === 'file' && (!ext || EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/**
 * The vars files for one entity (`group_vars/<name>` or `host_vars/<name>`), in load order.
 * `listing`, the entries of `base`, spares a stat of each candidate (absent, file or folder).
 */
export function findVarsFiles(base: string, name: string, onError: ListProblem, listing?: Listing): string[] {
  if (name.startsWith('/')) return [];
  const listed = listing && !name.includes('/') ? listing : undefined;
  for (const ext of EXTENSIONS) {
    if (listed && !listed.has(name + ext)) continue;
    const path = join(base, name + ext);
    const k = listed?.get(name + ext) ?? pathKind(path);
    if (k === 'dir') return dirFiles(path, onError);
    if (k === 'file') return [path];
  }
  return [];
}

export interface LoadContext {
  keyring: VaultKeyring | undefined;
  /** The file name shown in messages (relative to the project). */
  display(path: string): string;
  problems: Problem[];
  /** Warnings shown before the run (duplicate keys, as Ansible warns). */
  warnings?: string[];
}

/**
 * One inventory or vars file's text, decrypted when it is a vault file: undefined (the problem
 * collected) when it is no regular file, unreadable, or does not decrypt.
 */
export function readInventoryText(path: string, source: string, ctx: LoadContext): { text: string; encrypted: boolean } | undefined {
  let text: string;
  try {
    text = readRegularFile(path);
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    ctx.problems.push(e.problem(source));
    return undefined;
  }
  if (!isVaultText(text)) return { text, encrypted: false };
  try {
    return { text: decryptVault(text, ctx.keyring), encrypted: true };
  } catch (e) {
    ctx.problems.push({ file: source, key: '', message: (e as Error).message });
    return undefined;
  }
}

/** Reads one vars file into a layer (undefined when empty or broken; problems are collected). */
export function loadVarsFile(path: string, ctx: LoadContext): VarLayer | undefined {
  const source = ctx.display(path);
  const read = readInventoryText(path, source, ctx);
  if (!read) return undefined;
  const { text, encrypted } = read;
  let data: unknown;
  try {
    data = parseAnsibleYaml(text, ctx.warnings ? { source, warnings: ctx.warnings } : undefined);
  } catch (e) {
    const message = encrypted && !(e instanceof YamlSizeError) ? 'the decrypted file is not valid YAML: fix the YAML syntax' : yamlProblem(e, 'fix the YAML syntax');
    ctx.problems.push({ file: source, key: encrypted ? '' : yamlWhere(e), message });
    return undefined;
  }
  if (data === null || data === undefined) return undefined;
  if (typeof data !== 'object' || Array.isArray(data)) {
    ctx.problems.push({ file: source, key: '', message: `a vars file must be a mapping of variable names to values, got ${Array.isArray(data) ? 'a list' : typeof data}` });
    return undefined;
  }
  if (encrypted) registerStrings(data);
  decryptInline(data, source, '', ctx);
  ctx.problems.push(...nulProblems(data as Record<string, unknown>, source));
  return { source, vars: data as Record<string, unknown> };
}

/** Every string leaf of a decrypted file is a secret. */
export function registerStrings(value: unknown): void {
  if (typeof value === 'string') registerSecret(value);
  else if (Array.isArray(value)) value.forEach(registerStrings);
  else if (value && typeof value === 'object') Object.values(value).forEach(registerStrings);
}

/**
 * Decrypts inline `!vault` values in place (keeping the VaultText, with its plaintext filled in,
 * so `--list` can print the ciphertext as Ansible does). Collects a problem per value that fails.
 */
export function decryptInline(value: unknown, source: string, path: string, ctx: LoadContext): void {
  if (value instanceof VaultText) {
    // Without a password an inline value stays encrypted until something reads it (as Ansible).
    if (value.plaintext !== undefined || !ctx.keyring) return;
    try {
      value.plaintext = decryptVault(value.ciphertext, ctx.keyring);
      registerSecret(value.plaintext);
    } catch (e) {
      ctx.problems.push({ file: source, key: path, message: (e as Error).message });
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => decryptInline(v, source, `${path}[${i}]`, ctx));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) decryptInline(v, source, path ? `${path}.${k}` : k, ctx);
  }
}

/**
 * A copy with each VaultText replaced by its plaintext, each YamlTimestamp by its text and each
 * FloatValue by its number (what the run sees). UnsafeText stays: the renderer passes it through untemplated.
 */
export function plainValue(value: unknown): unknown {
  if (value instanceof VaultText) return value.plaintext ?? value;
  if (value instanceof YamlTimestamp) return value.text;
  if (value instanceof FloatValue) return value.value;
  if (Array.isArray(value)) return value.some(hasVault) ? value.map(plainValue) : value;
  if (value && typeof value === 'object' && hasVault(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  }
  return value;
}

function hasVault(value: unknown): boolean {
  if (value instanceof VaultText || value instanceof YamlTimestamp || value instanceof FloatValue) return true;
  if (Array.isArray(value)) return value.some(hasVault);
  if (value && typeof value === 'object') return Object.values(value).some(hasVault);
  return false;
}
