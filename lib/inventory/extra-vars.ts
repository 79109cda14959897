/**
 * `-e` extra vars, as ansible-playbook reads them: `key=value [key2=value2]` (Ansible's
 * parse_kv: shlex-like split, values stay strings), `@file.yml` (YAML/JSON, vault-encrypted
 * allowed) and inline YAML/JSON starting with `{` or `[`. Each argument is one layer, later
 * arguments win.
 */
import { resolve } from 'node:path';
import { InventoryError, type Problem } from '../errors.ts';
import { shlexSplit } from './python-literal.ts';
import { readRegularFile, UnreadableFileError } from './read-file.ts';
import type { VarLayer } from './types.ts';
import { decryptInline, type LoadContext, loadVarsFile, plainValue } from './vars-files.ts';
import type { VaultKeyring } from './vault.ts';
import { parseAnsibleYaml, yamlProblem } from './yaml-ansible.ts';

export async function parseExtraVars(args: readonly string[], cwd: string, vault?: VaultKeyring): Promise<VarLayer[]> {
  const problems: Problem[] = [];
  const ctx: LoadContext = { keyring: vault, display: (p) => p, problems };
  const layers: VarLayer[] = [];
  for (const arg of args) {
    const text = arg.trim();
    if (text.startsWith('@')) {
      const path = resolve(cwd, text.slice(1));
      try {
        readRegularFile(path);
      } catch (e) {
        // an unreadable file is named as the -e argument that gave it
        if (!(e instanceof UnreadableFileError)) throw e;
        problems.push({ file: '-e', key: text, message: `${path}: ${e.message}` });
        continue;
      }
      const layer = loadVarsFile(path, ctx);
      if (layer) layers.push({ source: text.slice(1), vars: plainValue(layer.vars) as Record<string, unknown> });
    } else if (text.startsWith('{') || text.startsWith('[')) {
      try {
        const data = parseAnsibleYaml(text);
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('extra vars must be a mapping');
        decryptInline(data, '-e', '', ctx);
        layers.push({ source: '-e', vars: plainValue(data) as Record<string, unknown> });
      } catch (e) {
        problems.push({ file: '-e', key: text, message: yamlProblem(e, `pass valid JSON/YAML, e.g. -e '{"key": 1}'`) });
      }
    } else if (text) {
      const vars = parseKeyValues(text, problems);
      if (vars) layers.push({ source: '-e', vars });
    }
  }
  if (problems.length) throw new InventoryError(problems, 'invalid extra vars (-e)');
  return layers;
}

function parseKeyValues(text: string, problems: Problem[]): Record<string, unknown> | undefined {
  let tokens: string[];
  try {
    tokens = shlexSplit(text.replace(/#/g, '\u0000')).map((t) => t.replace(/\u0000/g, '#'));
  } catch (e) {
    problems.push({ file: '-e', key: text, message: `${(e as Error).message}: close the quote` });
    return undefined;
  }
  const vars: Record<string, unknown> = {};
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq <= 0) {
      problems.push({ file: '-e', key: token, message: 'expected key=value, @file.yml or a JSON/YAML mapping' });
      return undefined;
    }
    vars[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return vars;
}
