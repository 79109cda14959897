/**
 * Ansible host patterns: `group`, `host`, `g[0]`, `g[1:2]` (end inclusive), `g[-1]`, `a:b`, `a,b`,
 * `a:!b`, `a:&b`, `all`, `*` and other globs, `~regex`. Evaluated as Ansible does: plain terms
 * first (union), then `&` terms (intersection), then `!` terms (exclusion); only `!`/`&` terms
 * start from `all`.
 */
import { InputError } from '../errors.ts';

export interface HostUniverse {
  readonly hosts: readonly string[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

export interface PatternResult {
  readonly hosts: string[];
  /** Terms that matched nothing (Ansible warns and ignores them). */
  readonly unmatched: string[];
}

/** Split on ',' when present, else on ':' outside `[...]` (so `g[1:2]` stays whole). */
export function splitPattern(pattern: string): string[] {
  if (pattern.includes(',')) return pattern.split(',').map((s) => s.trim()).filter(Boolean);
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of pattern) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ':' && depth === 0) { terms.push(current); current = ''; continue; }
    current += ch;
  }
  terms.push(current);
  return terms.map((s) => s.trim()).filter(Boolean);
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** `~regex` as Ansible reads it (re.search); a regex that does not compile is bad input. */
function patternRegExp(term: string, where: string): RegExp {
  try {
    return new RegExp(term.slice(1));
  } catch (e) {
    throw new InputError([{ file: where === '--limit' ? 'command line' : 'playbook', key: where === '--limit' ? '--limit' : 'hosts', message: `'${term}' is not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')}): fix the pattern after ~, or escape [ ( * as \\[ \\( \\*` }], 'invalid host pattern');
  }
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** Hosts matched by one name (no subscript): group, host, glob or ~regex. */
function matchName(name: string, u: HostUniverse, where: string): string[] {
  if (name === 'all' || name === '*') return [...u.hosts];
  if (u.groups[name]) return [...u.groups[name]];
  if (u.hosts.includes(name)) return [name];
  const re = name.startsWith('~') ? patternRegExp(name, where) : /[*?]/.test(name) ? globToRegExp(name) : undefined;
  if (!re) return [];
  const fromGroups = Object.keys(u.groups).filter((g) => re.test(g)).flatMap((g) => u.groups[g]!);
  return unique([...fromGroups, ...u.hosts.filter((h) => re.test(h))]);
}

function applySubscript(hosts: string[], subscript: string, term: string, where: string): string[] {
  const m = /^(-?\d+)(?::(-?\d*))?$/.exec(subscript);
  if (!m) throw new InputError([{ file: where === '--limit' ? 'command line' : 'playbook', key: where === '--limit' ? '--limit' : 'hosts', message: `'${term}' has an invalid subscript [${subscript}]: use [n], [n:m] or [n:]` }], 'invalid host pattern');
  const at = (i: number): number => (i < 0 ? hosts.length + i : i);
  const start = at(Number(m[1]));
  if (m[2] === undefined) return hosts[start] === undefined ? [] : [hosts[start]!];
  const end = m[2] === '' ? hosts.length - 1 : at(Number(m[2]));
  return hosts.slice(start, end + 1);
}

/** Hosts matched by one term without its `!`/`&` mark. */
function matchTerm(term: string, u: HostUniverse, where: string): string[] {
  const m = /^(.*)\[([^\]]*)\]$/.exec(term);
  if (m && !term.startsWith('~')) return applySubscript(matchName(m[1]!, u, where), m[2]!, term, where);
  return matchName(term, u, where);
}

/** `where` names the pattern's origin in an error (the play's `hosts`, or `--limit`). */
export function selectHosts(pattern: string, u: HostUniverse, where = 'hosts'): PatternResult {
  const terms = splitPattern(pattern);
  const plain = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  const ands = terms.filter((t) => t.startsWith('&')).map((t) => t.slice(1));
  const nots = terms.filter((t) => t.startsWith('!')).map((t) => t.slice(1));
  const unmatched: string[] = [];
  const match = (t: string): string[] => {
    const found = matchTerm(t, u, where);
    if (found.length === 0) unmatched.push(t);
    return found;
  };
  let hosts = plain.length === 0 ? [...u.hosts] : unique(plain.flatMap(match));
  for (const t of ands) {
    const keep = new Set(match(t));
    hosts = hosts.filter((h) => keep.has(h));
  }
  for (const t of nots) {
    const drop = new Set(match(t));
    hosts = hosts.filter((h) => !drop.has(h));
  }
  return { hosts, unmatched };
}

/** The play's hosts after `--limit` (itself a pattern), keeping the play's order. */
export function applyLimit(hosts: readonly string[], limit: string | undefined, u: HostUniverse): PatternResult {
  if (!limit) return { hosts: [...hosts], unmatched: [] };
  const limited = selectHosts(limit, u, '--limit');
  const keep = new Set(limited.hosts);
  return { hosts: hosts.filter((h) => keep.has(h)), unmatched: limited.unmatched };
}
