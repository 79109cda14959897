/**
 * bench/RESULTS.md: one section per bench, each replaced whole when that bench runs again (the
 * others are kept), so `npm run bench -- all` and single runs write the same file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem } from 'node:os';

const TITLE = '# Benchmark results\n\nWritten by `npm run bench -- <name>` (bench/run.ts) from each bench\'s own output. ' +
  'The machine is shared (2 cores, several engineers): every figure carries the load average of its run; ' +
  'compare ratios within one run only.\n';

export function machineLine(): string {
  const c = cpus();
  return `${hostname()}, ${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
}

export function loadLine(): string {
  return loadavg().map((l) => l.toFixed(2)).join(', ');
}

// Markdown comment lines (an HTML comment may not hold the `--` of a command line)
const begin = (name: string) => `[//]: # (begin ${name})`;
const end = (name: string) => `[//]: # (end ${name})`;

/** Replace (or append) the bench's section; written to a temp file and renamed, never half-written. */
export function writeSection(file: string, name: string, what: string, header: readonly string[], output: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : TITLE;
  const section = [begin(name), `## \`${name}\`: ${what}`, '', ...header.map((h) => `${h}  `), '', output.trimEnd(), end(name)].join('\n');
  const from = text.indexOf(begin(name));
  const to = text.indexOf(end(name));
  const next = from >= 0 && to > from
    ? text.slice(0, from) + section + text.slice(to + end(name).length)
    : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(`${file}.tmp`, next);
  renameSync(`${file}.tmp`, file);
}
