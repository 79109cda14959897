/**
 * Masking for unified diffs, on top of mask(): a diff shows the file as it WAS, and the old
 * value of a rotated secret is registered nowhere (it is in the old file only). So a line is
 * masked whole when its content belongs to a secret on either side:
 *   - it holds a registered secret (masked as usual), or
 *   - it matches a secret line shape a renderer declared (`stats auth ...` in haproxy.cfg), or
 *   - it starts like a line of this diff that holds a secret (same words before the secret), or
 *   - it is in the same run of removed/added lines as one of the above (the changed line's
 *     other side).
 *
 *   registerSecretLine(/^\s*stats auth\s/);   // by the module that renders such lines
 *   maskDiff(createTwoFilesPatch(...))         // by every diff producer
 */
import { mask, SECRET_MASK } from './secrets.ts';

const shapes: RegExp[] = [];

/** Declare that lines matching `shape` carry a secret in whatever file capstan renders them into. */
export function registerSecretLine(shape: RegExp): void {
  if (!shapes.some((s) => s.source === shape.source)) shapes.push(shape);
}

const isChange = (line: string): boolean => /^[-+](?![-+]{2} )/.test(line);
const body = (line: string): string => line.slice(1);

/** The words before the secret on a masked line (`stats auth`), or undefined when it starts with it. */
function prefixOf(maskedBody: string): string | undefined {
  const before = maskedBody.slice(0, maskedBody.indexOf(SECRET_MASK));
  const cut = before.trimEnd().lastIndexOf(' ');
  const words = (cut < 0 ? before.trimEnd() : before.slice(0, cut)).replace(/['"]+$/, '');
  return words.trim().length >= 3 ? words : undefined;
}

/** A diff with every secret masked and every line that carries one (on either side) replaced. */
export function maskDiff(diff: string): string {
  const lines = mask(diff).split('\n');
  const prefixes = new Set<string>();
  for (const l of lines) {
    if (!l.includes(SECRET_MASK)) continue;
    const p = prefixOf(isChange(l) || l.startsWith(' ') ? body(l) : l);
    if (p) prefixes.add(p);
  }
  const secretLine = (l: string): boolean => isChange(l) && (l.includes(SECRET_MASK)
    || shapes.some((s) => s.test(body(l))) || [...prefixes].some((p) => body(l).startsWith(p)));
  const out = [...lines];
  for (let i = 0; i < lines.length;) {
    if (!isChange(lines[i]!)) { i++; continue; }
    let end = i;
    while (end < lines.length && isChange(lines[end]!)) end++;
    const run = lines.slice(i, end);
    if (run.some(secretLine)) {
      // a changed secret line's other side is in the same run: mask the run's lines of that shape,
      // or the whole run when the run is one removed and one added line
      const whole = run.length === 2 && run[0]![0] !== run[1]![0];
      for (let j = i; j < end; j++) {
        const l = lines[j]!;
        // a line whose secret is registered is already masked and keeps its words (`stats auth admin:********`)
        if (!l.includes(SECRET_MASK) && (whole || secretLine(l))) out[j] = `${l[0]}${indentOf(body(l))}${SECRET_MASK} (a line holding a secret)`;
      }
    }
    i = end;
  }
  return out.join('\n');
}

const indentOf = (s: string): string => /^\s*/.exec(s)![0];

/**
 * `old` with every line of a declared secret shape (a rotated-out secret) replaced by the first
 * line of that shape in `current`, or removed when `current` has none: for backups, which must
 * not keep a secret that was rotated away, yet stay a working config.
 */
export function withoutRotatedSecrets(old: string, current: string): string {
  const now = current.split('\n');
  return old.split('\n').flatMap((line) => {
    const shape = shapes.find((s) => s.test(line));
    if (!shape) return [line];
    const replacement = now.find((l) => shape.test(l));
    return replacement === undefined ? [] : [replacement];
  }).join('\n');
}
