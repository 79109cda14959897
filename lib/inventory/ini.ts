/**
 * Ansible's INI inventory format, read as its `ini` plugin reads it: lines before any section
 * belong to `ungrouped`; `[g]` lists hosts (`name[:port] [k=v ...]`, shlex-split, `#`/`;`
 * comments), `[g:children]` lists child groups (which may be declared later), `[g:vars]` holds
 * `k=v` lines. Every value goes through Python's literal_eval, falling back to the string.
 */
import type { Problem } from '../errors.ts';
import { expandHostPattern } from './host-pattern.ts';
import type { InventoryModel } from './model.ts';
import { inventoryFloat } from './python-float.ts';
import { pythonValue, shlexSplit } from './python-literal.ts';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

/** Fills `model` from INI text; returns the problems found (all of them, not just the first). */
export function parseIni(text: string, file: string, model: InventoryModel): Problem[] {
  const problems: Problem[] = [];
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') return;
    const problem = (message: string): void => {
      problems.push({ file: `${file}:${lineNo}`, key: line, message });
    };
    try {
      const section = SECTION.exec(line);
      if (section) {
        group = section[1]!;
        state = section[2] ?? 'hosts';
        if (!['hosts', 'children', 'vars'].includes(state)) {
          problem(`section [${group}:${state}] has unknown type "${state}": use [${group}], [${group}:children] or [${group}:vars]`);
          state = 'skip';
          return;
        }
        declareGroup(model, pending, group, state, lineNo);
        return;
      }
      if (line.startsWith('[') && line.endsWith(']')) {
        problem('invalid section header: remove spaces and other invalid characters, e.g. [webservers] or [webservers:vars]');
        state = 'skip';
        return;
      }
      if (state === 'hosts') parseHostLine(model, group, line);
      else if (state === 'vars') parseVarLine(model, group, line);
      else if (state === 'children') parseChildLine(model, pending, group, line, lineNo);
    } catch (e) {
      problem(`${(e as Error).message}`);
    }
  });
  for (const [name, decl] of pending) {
    if (decl.state === 'vars') {
      problems.push({ file: `${file}:${decl.line}`, key: `[${name}:vars]`, message: `section [${name}:vars] is for a group that is never declared: add a [${name}] section (or [${name}:children]), or fix the name` });
    } else {
      problems.push({ file: `${file}:${decl.line}`, key: `[${decl.parents.at(-1)}:children]`, message: `includes undefined group "${name}": declare it with a [${name}] section, or fix the name` });
    }
  }
  return problems;
}

function declareGroup(model: InventoryModel, pending: Map<string, Pending>, group: string, state: string, lineNo: number): void {
  if (!model.groups.has(group)) {
    // [g:vars] alone does not declare a group; check at the end.
    if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNo, state: 'vars', parents: [] });
    model.addGroup(group);
  }
  const waiting = pending.get(group);
  if (waiting && state !== 'vars') {
    if (waiting.state === 'children') addPendingChildren(model, pending, group);
    else pending.delete(group);
  }
}

function addPendingChildren(model: InventoryModel, pending: Map<string, Pending>, group: string): void {
  for (const parent of pending.get(group)!.parents) {
    model.addChild(parent, group);
    if (pending.get(parent)?.state === 'children') addPendingChildren(model, pending, parent);
  }
  pending.delete(group);
}

function parseHostLine(model: InventoryModel, group: string, line: string): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (e) {
    throw new Error(`cannot parse host line: ${(e as Error).message}: close the quote`);
  }
  const pattern = tokens[0]!;
  if (pattern.endsWith(':')) throw new Error(`invalid host "${pattern}": a trailing ':' must be followed by a port number`);
  if (pattern === '---') throw new Error('"---" is a sign this is a YAML file: name it hosts.yml');
  const { hosts, port } = expandHostPattern(pattern);
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0) throw new Error(`expected key=value host variable, got "${t}": write it as ${t}=<value>`);
    vars.push([t.slice(0, eq), iniValue(t.slice(eq + 1))]);
  }
  for (const host of hosts) {
    model.addHost(host, group, port);
    for (const [k, v] of vars) model.setHostVar(host, k, v);
  }
}

function parseVarLine(model: InventoryModel, group: string, line: string): void {
  const eq = line.indexOf('=');
  if (eq < 0) throw new Error(`expected key=value in [${group}:vars], got "${line}"`);
  model.setGroupVar(group, line.slice(0, eq).trim(), iniValue(line.slice(eq + 1).trim()));
}

/** literal_eval's value, a float kept as one for --list (`ratio=1.0`: python-float.ts). */
function iniValue(text: string): unknown {
  const v = pythonValue(text);
  return typeof v === 'number' && /^[-+]?[\d_]*\.?[\d_]*(?:[eE][-+]?\d[\d_]*)?\s*(?:#.*)?$/.test(text) && /[.eE]/.test(text.replace(/#.*/, '')) ? inventoryFloat(v) : v;
}

function parseChildLine(model: InventoryModel, pending: Map<string, Pending>, group: string, line: string, lineNo: number): void {
  const m = GROUP_NAME.exec(line);
  if (!m) throw new Error(`expected a group name in [${group}:children], got "${line}"`);
  const child = m[1]!;
  if (!model.groups.has(child)) {
    const waiting = pending.get(child);
    if (waiting) waiting.parents.push(group);
    else pending.set(child, { line: lineNo, state: 'children', parents: [group] });
  } else {
    model.addChild(group, child);
  }
}
