/**
 * Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors
 * (metadata.name, metadata.namespace, and any other dotted path compared as a string).
 */
import { badRequest } from './status.ts';

type Requirement = { key: string; op: 'eq' | 'ne' | 'in' | 'notin' | 'exists' | 'notexists'; values: string[] };
export type Matcher = (obj: any) => boolean;

/** Split on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

function parseLabelTerm(term: string): Requirement {
  let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((s) => s.trim()).filter(Boolean) };
  m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (m) return { key: m[1]!, op: m[2] === '!=' ? 'ne' : 'eq', values: [m[3]!.trim()] };
  m = /^!\s*([^\s!=]+)$/.exec(term);
  if (m) return { key: m[1]!, op: 'notexists', values: [] };
  if (/^[A-Za-z0-9._/-]+$/.test(term)) return { key: term, op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
}

function matchRequirement(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'eq': return has && v === r.values[0];
    case 'ne': return !has || v !== r.values[0];
    case 'in': return has && r.values.includes(v!);
    case 'notin': return !has || !r.values.includes(v!);
    case 'exists': return has;
    case 'notexists': return !has;
  }
}

export function labelMatcher(selector: string | undefined | null): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map(parseLabelTerm);
  return (obj) => {
    const labels = obj?.metadata?.labels ?? {};
    return reqs.every((r) => matchRequirement(labels, r));
  };
}

/** A LabelSelector object (matchLabels + matchExpressions) as a matcher over a label map. */
export function labelSelectorObjectMatches(sel: any, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' } as const)[e.operator as 'In'];
    if (!op || !matchRequirement(l, { key: e.key, op, values: e.values ?? [] })) return false;
  }
  return true;
}

function fieldValue(obj: any, path: string): string {
  let cur = obj;
  for (const part of path.split('.')) cur = cur?.[part];
  return cur === undefined || cur === null ? '' : String(cur);
}

export function fieldMatcher(selector: string | undefined | null): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map((term) => {
    const m = /^([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector: '${term}'`);
    return { path: m[1]!, ne: m[2] === '!=', value: m[3]!.trim() };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.ne);
}
