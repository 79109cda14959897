/**
 * Host names in an inventory file: an optional `:port` suffix and `[x:y(:step)]` ranges, as
 * Ansible's `parse_address` and `expand_hostname_range` read them (`k8s-node[1:3]`,
 * `db[01:10:2]`, `web[a:c]`, `[2001:db8::1]:2222`).
 */
const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface ExpandedHosts {
  hosts: string[];
  port: number | undefined;
}

/** Split off a port and expand ranges. Throws Error with Ansible's wording on a bad range. */
export function expandHostPattern(pattern: string): ExpandedHosts {
  let address = pattern;
  let port: number | undefined;
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(pattern);
  const plain = /^((?:[^:[\]]|\[[^\]]*\])+):(\d+)$/.exec(pattern);
  const m = bracketed ?? plain;
  if (m) {
    address = m[1]!;
    port = Number(m[2]);
  }
  return { hosts: address.includes('[') ? expandRanges(address) : [address], port };
}

function expandRanges(line: string): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (open < 0 || close < 0) throw new Error(`not a host range: ${line}`);
  const head = line.slice(0, open);
  const tail = line.slice(close + 1);
  const bounds = line.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error('host range must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (!end) throw new Error('host range must specify end value');
  if (!Number.isInteger(step) || step <= 0) throw new Error(`host range step must be a positive integer, got ${bounds[2]}`);
  const seq = sequence(beg, end, step);
  const out: string[] = [];
  for (const item of seq) {
    const name = head + item + tail;
    if (name.includes('[')) out.push(...expandRanges(name));
    else out.push(name);
  }
  return out;
}

function sequence(beg: string, end: string, step: number): string[] {
  const iBeg = beg.length === 1 ? ASCII_LETTERS.indexOf(beg) : -1;
  const iEnd = end.length === 1 ? ASCII_LETTERS.indexOf(end) : -1;
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new Error(`host range [${beg}:${end}] ends before it starts, so it names no host: write it as [${end}:${beg}]`);
    const letters: string[] = [];
    for (let i = iBeg; i <= iEnd; i += step) letters.push(ASCII_LETTERS[i]!);
    return letters;
  }
  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new Error(`host range [${beg}:${end}] is neither numeric nor a single letter`);
  const width = beg[0] === '0' && beg.length > 1 ? beg.length : 0;
  if (width && width !== end.length) throw new Error('host range must specify equal-length begin and end formats');
  if (Number(beg) > Number(end)) throw new Error(`host range [${beg}:${end}] ends before it starts, so it names no host: write it as [${end}:${beg}]`);
  const out: string[] = [];
  for (let i = Number(beg); i <= Number(end); i += step) out.push(String(i).padStart(width, '0'));
  return out;
}
