/**
 * `lookup(...)` / `query(...)` in inventory values, as Ansible's lookup plugins answer on the
 * controller: `env`, `file`, `vars`, `inventory_hostnames`, `items`/`list`, `dict`,
 * `indexed_items`. `lookup` joins several results with commas (unless `wantlist=True`), `query`
 * (`q`) always returns a list. Refused, with the reason and the fix: `password` (it writes a file
 * on the controller the first time it is read) and `pipe`/`lines` (they run shell commands while
 * the inventory is read); any other plugin is named as unsupported.
 */
import { isAbsolute, join } from 'node:path';
import { selectHosts } from '../../runner/patterns.ts';
import { readRegularFile, UnreadableFileError } from '../read-file.ts';
import { JinjaError } from './errors.ts';
import { isMapping, str, Undefined } from './values.ts';

export interface LookupScope {
  has(name: string): boolean;
  lookup(name: string): unknown;
}

type Plugin = (terms: unknown[], kwargs: Record<string, unknown>, scope: LookupScope) => unknown[];

/** Where a relative `lookup('file', ...)` path is looked for: playbook_dir/files, then playbook_dir (as Ansible), then the current folder. */
function fileCandidates(path: string, scope: LookupScope): string[] {
  if (isAbsolute(path)) return [path];
  const base = scope.has('playbook_dir') ? str(scope.lookup('playbook_dir')) : process.cwd();
  return [join(base, 'files', path), join(base, path), join(process.cwd(), path)];
}

function readLookupFile(term: unknown, kwargs: Record<string, unknown>, scope: LookupScope): string {
  const path = str(term);
  let last = '';
  for (const candidate of fileCandidates(path, scope)) {
    try {
      let text = readRegularFile(candidate);
      if (kwargs.rstrip !== false) text = text.trimEnd();
      if (kwargs.lstrip === true) text = text.trimStart();
      return text;
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      last = `${candidate}: ${e.message}`;
    }
  }
  throw new JinjaError(`lookup('file', '${path}'): could not find or read the file (${last}): give a path relative to the playbooks folder, or an absolute one`);
}

const PLUGINS: Record<string, Plugin> = {
  env: (terms, kwargs) => terms.map((t) => process.env[str(t)] ?? (kwargs.default !== undefined ? kwargs.default : '')),
  file: (terms, kwargs, scope) => terms.map((t) => readLookupFile(t, kwargs, scope)),
  vars: (terms, kwargs, scope) => terms.map((t) => {
    const name = str(t);
    if (scope.has(name)) return scope.lookup(name);
    if (kwargs.default !== undefined) return kwargs.default;
    return new Undefined(`No variable found with this name: ${name}`).fail();
  }),
  inventory_hostnames: (terms, _kwargs, scope) => {
    const groups = scope.lookup('groups') as Record<string, readonly string[]>;
    const universe = { hosts: groups.all ?? [], groups };
    return terms.flatMap((t) => selectHosts(str(t), universe, `lookup('inventory_hostnames')`).hosts);
  },
  items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])),
  list: (terms) => terms,
  indexed_items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])).map((x, i) => [i, x]),
  dict: (terms) => terms.flatMap((t) => {
    if (!isMapping(t)) throw new JinjaError(`lookup('dict') expects a dict, got ${str(t)}`);
    return Object.entries(t).map(([key, value]) => ({ key, value }));
  }),
};

const REFUSED: Record<string, string> = {
  password: "it creates a file on the controller the first time it is read, and capstan never writes while reading an inventory: generate the password once (openssl rand -base64 24) and keep it in vault (ansible-vault encrypt_string)",
  pipe: 'it runs a shell command on the controller while the inventory is read, which capstan never does: run the command yourself and pass its output with -e, or keep the value in vault',
  lines: 'it runs a shell command on the controller while the inventory is read, which capstan never does: run the command yourself and pass its output with -e',
};

/** One lookup()/query() call. */
export function runLookup(name: unknown, terms: unknown[], kwargs: Record<string, unknown>, wantlist: boolean, scope: LookupScope): unknown {
  const plugin = str(name).replace(/^ansible\.builtin\./, '');
  if (REFUSED[plugin]) throw new JinjaError(`lookup('${plugin}') is refused: ${REFUSED[plugin]}`);
  const run = PLUGINS[plugin];
  if (!run) throw new JinjaError(`lookup plugin '${plugin}' is not supported in inventory values (capstan supports ${Object.keys(PLUGINS).join(', ')}): compute the value in the inventory or pass it with -e`);
  const { wantlist: _w, errors, ...rest } = kwargs;
  let results: unknown[];
  try {
    results = run(terms, rest, scope);
  } catch (e) {
    if (errors === 'ignore') return wantlist ? [] : null;
    throw e;
  }
  if (wantlist || kwargs.wantlist === true) return results;
  // as Ansible's lookup(): strings joined with commas; otherwise one result itself, or the list
  if (results.every((r) => typeof r === 'string')) return results.join(',');
  return results.length === 1 ? results[0] : results;
}
