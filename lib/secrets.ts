/**
 * Secret masking. Every decrypted vault value (and any other secret, such as a generated k3s
 * token) is registered here, and every output path (reporter lines, JSON events, diffs, error
 * messages, plan output) passes its text through mask() before printing. Substring masking means
 * a secret rendered into a template or a command line is masked there too, and each secret is
 * masked in every rendering of it (quoted, escaped, base64): see secretRenderings. Diffs also
 * mask whole lines that hold a secret on either side (secret-diff.ts).
 */
const MASK = '********';
const secrets = new Set<string>();
let pattern: RegExp | undefined;

/** Minimum length worth masking: masking "1" or "" would shred every line. */
const MIN_SECRET_LENGTH = 4;

/** Values registered by the caller, as given (isSecret answers for these, not for their renderings). */
const registered = new Set<string>();

/**
 * Base64 of `s` as it appears inside a longer base64 text, at each of the three byte alignments:
 * only the characters that depend on `s` alone (a Secret's data, a kubeconfig blob, userinfo).
 */
function base64Forms(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  return [0, 1, 2].map((pad) => {
    const text = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    return text.slice([0, 2, 3][pad], Math.floor(((pad + bytes.length) * 8) / 6));
  });
}

/**
 * Every way a secret is written into what capstan prints or renders: as is; single-quoted for a
 * shell or HAProxy (' as '\''); YAML single-quoted (' as ''); JSON, YAML double-quoted and tmsh
 * strings (backslash escapes); URL-encoded; base64 at every alignment.
 */
export function secretRenderings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value, value.trim(), json, value.replace(/'/g, `'\\''`), value.replace(/'/g, "''"),
    value.replace(/[\\"]/g, '\\$&'), encodeURIComponent(value), ...base64Forms(value),
  ];
}

export function registerSecret(value: string): void {
  if (value.trim().length < MIN_SECRET_LENGTH) return;
  registered.add(value);
  registered.add(value.trim());
  for (const s of secretRenderings(value)) {
    if (s.length >= MIN_SECRET_LENGTH && !secrets.has(s)) {
      secrets.add(s);
      pattern = undefined;
    }
  }
}

export function isSecret(value: string): boolean {
  return registered.has(value);
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
  registered.clear();
  pattern = undefined;
}

export const SECRET_MASK = MASK;
