/**
 * `to_nice_yaml` as Ansible's (PyYAML's `dump(indent=N, default_flow_style=False)`, keys sorted)
 * lays data out: mappings nested by N, lists not indented under their key, a mapping inside a
 * list starting on the dash's line (`-   key: v` for N=4). Scalars are written by the `yaml`
 * package (single quotes where a plain scalar would read as something else, as PyYAML).
 */
import { stringify } from 'yaml';
import { ansibleTags } from '../yaml-ansible.ts';
import { isMapping } from './values.ts';

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return stringify(v, { version: '1.1', customTags: ansibleTags, singleQuote: true, lineWidth: 0 }).replace(/\n$/, '');
}

const isEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length === 0 : isMapping(v) && Object.keys(v).length === 0);
const flowEmpty = (v: unknown): string => (Array.isArray(v) ? '[]' : '{}');

function mapLines(obj: Record<string, unknown>, col: number, indent: number, sort: boolean): string[] {
  const pad = ' '.repeat(col);
  const keys = sort ? Object.keys(obj).sort() : Object.keys(obj);
  return keys.flatMap((k) => {
    const v = obj[k];
    const key = scalar(k);
    if (Array.isArray(v) && v.length) return [`${pad}${key}:`, ...seqLines(v, col, indent, sort)];
    if (isMapping(v) && !isEmpty(v)) return [`${pad}${key}:`, ...mapLines(v, col + indent, indent, sort)];
    return [`${pad}${key}: ${isEmpty(v) ? flowEmpty(v) : scalar(v)}`];
  });
}

function seqLines(list: unknown[], col: number, indent: number, sort: boolean): string[] {
  const pad = ' '.repeat(col);
  const dash = `${pad}-${' '.repeat(Math.max(1, indent - 1))}`;
  return list.flatMap((v) => {
    if (isEmpty(v) || (!Array.isArray(v) && !isMapping(v))) return [`${pad}- ${isEmpty(v) ? flowEmpty(v) : scalar(v)}`];
    const inner = Array.isArray(v) ? seqLines(v, col + indent, indent, sort) : mapLines(v as Record<string, unknown>, col + indent, indent, sort);
    return [dash + inner[0]!.slice(col + indent), ...inner.slice(1)];
  });
}

export function niceYaml(value: unknown, indent = 4, sort = true): string {
  if (Array.isArray(value) && value.length) return `${seqLines(value, 0, indent, sort).join('\n')}\n`;
  if (isMapping(value) && !isEmpty(value)) return `${mapLines(value, 0, indent, sort).join('\n')}\n`;
  return `${isEmpty(value) ? flowEmpty(value) : scalar(value)}\n`;
}
