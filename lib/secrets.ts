/**
 * Secret masking. Every decrypted vault value (and any other secret, such as a generated k3s
 * token) is registered here, and every output path (reporter lines, JSON events, diffs, error
 * messages, plan output) passes its text through mask() before printing. Substring masking means
 * a secret rendered into a template or a command line is masked there too.
 */
const MASK = '********';
const secrets = new Set<string>();
let pattern: RegExp | undefined;

/** Minimum length worth masking: masking "1" or "" would shred every line. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(value: string): void {
  for (const s of [value, value.trim()]) {
    if (s.length >= MIN_SECRET_LENGTH && !secrets.has(s)) {
      secrets.add(s);
      pattern = undefined;
    }
  }
}

export function isSecret(value: string): boolean {
  return secrets.has(value);
}

export function mask(text: string): string {
  if (secrets.size === 0 || text.length === 0) return text;
  pattern ??= new RegExp(
    [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return text.replace(pattern, MASK);
}

/** Deep-masks strings inside a JSON-like value (for --json events and plan output). */
export function maskDeep<T>(value: T): T {
  if (secrets.size === 0) return value;
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}

/** For tests only. */
export function clearSecretsForTest(): void {
  secrets.clear();
  pattern = undefined;
}

export const SECRET_MASK = MASK;
