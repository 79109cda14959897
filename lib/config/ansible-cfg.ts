/**
 * ansible.cfg and ANSIBLE_* variables, read where ansible-playbook reads them: the first of
 * $ANSIBLE_CONFIG (a file, or a folder holding ansible.cfg), ./ansible.cfg (the user's directory),
 * ~/.ansible.cfg, /etc/ansible/ansible.cfg; an ANSIBLE_* variable beats the file. Only the
 * settings that mean the same in capstan are read (SETTINGS); a setting Ansible has that capstan
 * does not use is named in `unused` (printed once with -v); anything else is ignored silently,
 * as Ansible ignores unknown keys. Paths in the file are relative to the file's folder, paths in
 * variables to the user's directory, `~` expanded (Ansible's `path` type).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, type Problem } from '../errors.ts';
import { parseConfigParser } from './configparser.ts';
import { SETTINGS, UNUSED, type Setting, type SettingKind } from './ansible-settings.ts';

export type { AnsibleSettings } from './ansible-settings.ts';
import type { AnsibleSettings } from './ansible-settings.ts';

export interface AnsibleConfig {
  /** The ansible.cfg read, if any. */
  readonly file?: string;
  readonly settings: AnsibleSettings;
  /** Where each setting came from (`ansible.cfg › [defaults] forks`, `ANSIBLE_FORKS`). */
  readonly origins: Readonly<Partial<Record<keyof AnsibleSettings, string>>>;
  /** Settings Ansible has that capstan does not use, each named once (for -v). */
  readonly unused: readonly string[];
}

export interface ConfigPaths {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's directory (./ansible.cfg). */
  readonly cwd: string;
  readonly home: string;
  /** /etc, or CAPSTAN_SYSCONFDIR (tests). */
  readonly etc: string;
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** The ansible.cfg Ansible would read, or undefined. */
export function findAnsibleConfig(p: ConfigPaths): string | undefined {
  const given = p.env.ANSIBLE_CONFIG;
  if (given) {
    const path = resolve(p.cwd, given.replace(/^~(?=\/|$)/, p.home));
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'ansible.cfg') : path;
    if (isFile(file)) return file;
  }
  return [join(p.cwd, 'ansible.cfg'), join(p.home, '.ansible.cfg'), join(p.etc, 'ansible/ansible.cfg')].find(isFile);
}

const TRUE = new Set(['true', 'yes', 'on', '1', 'y', 't']);
const FALSE = new Set(['false', 'no', 'off', '0', 'n', 'f']);

function convert(kind: SettingKind, raw: string, base: string, home: string): { value?: unknown; error?: string } {
  const path = (v: string) => resolve(base, v.trim().replace(/^~(?=\/|$)/, home));
  switch (kind) {
    case 'string': return { value: raw.trim() };
    case 'path': return { value: path(raw) };
    case 'pathlist': return { value: raw.split(',').map((v) => v.trim()).filter(Boolean).map(path) };
    case 'list': return { value: raw.split(',').map((v) => v.trim()).filter(Boolean) };
    case 'int': return /^\s*\d+\s*$/.test(raw) && Number(raw) > 0 ? { value: Number(raw) } : { error: `${JSON.stringify(raw)} is not a positive whole number` };
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (TRUE.has(v)) return { value: true };
      if (FALSE.has(v)) return { value: false };
      return { error: `${JSON.stringify(raw)} is not a boolean; write True or False` };
    }
  }
}

interface Origin { file: string; key: string }

function apply(setting: Setting, raw: string, base: string, origin: Origin, p: ConfigPaths, out: AnsibleSettings, origins: Record<string, string>, problems: Problem[]): void {
  const r = convert(setting.kind, raw, base, p.home);
  if (r.error) {
    problems.push({ ...origin, message: `${r.error}: ${origin.file ? 'fix it or remove the line' : 'fix the variable or unset it'}` });
    return;
  }
  (out as Record<string, unknown>)[setting.name] = r.value;
  origins[setting.name] = origin.file ? `${origin.file} › ${origin.key}` : origin.key;
}

/** Reads the config file and ANSIBLE_* variables. A bad value is an InputError (exit 5) naming file › key. */
export function loadAnsibleConfig(p: ConfigPaths): AnsibleConfig {
  const file = findAnsibleConfig(p);
  const settings: AnsibleSettings = {};
  const origins: Record<string, string> = {};
  const problems: Problem[] = [];
  const unused = new Set<string>();
  if (file) {
    const sections = parseConfigParser(readFileSync(file, 'utf8'));
    for (const [section, entries] of sections) {
      for (const [key, raw] of entries) {
        const setting = SETTINGS.find((s) => s.section === section && s.keys.includes(key));
        if (setting) apply(setting, raw, dirname(file), { file, key: `[${section}] ${key}` }, p, settings, origins, problems);
        else if (UNUSED[section]?.includes(key)) unused.add(`${file} › [${section}] ${key}`);
      }
    }
  }
  for (const setting of SETTINGS) {
    const name = setting.env.find((e) => p.env[e] !== undefined && p.env[e] !== '');
    if (name) apply(setting, p.env[name]!, p.cwd, { file: '', key: name }, p, settings, origins, problems);
  }
  for (const [section, keys] of Object.entries(UNUSED)) {
    for (const key of keys) if (p.env[`ANSIBLE_${key.toUpperCase()}`]) unused.add(`ANSIBLE_${key.toUpperCase()} ([${section}] ${key})`);
  }
  if (problems.length) throw new InputError(problems, 'invalid ansible.cfg / ANSIBLE_* setting');
  return { ...(file ? { file } : {}), settings, origins, unused: [...unused] };
}
