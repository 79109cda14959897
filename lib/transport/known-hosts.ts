/**
 * known_hosts checking as OpenSSH does it: plain and hashed (`|1|salt|hmac`) host fields,
 * comma-separated names, `*`/`?` patterns with `!` negation, the `[host]:port` form for
 * non-22 ports, `@revoked` (always refused) and `@cert-authority` lines (not used for plain keys).
 * Pure functions plus one append for accept-new.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority';
  hosts: string;
  keyType: string;
  keyBase64: string;
  line: number;
}

export type HostKeyVerdict =
  | { kind: 'match'; line: number }
  | { kind: 'unknown' }
  | { kind: 'changed'; line: number; knownType: string }
  | { kind: 'revoked'; line: number };

/** The name OpenSSH looks up: `address`, or `[address]:port` when the port is not 22. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** `SHA256:<base64, no padding>` of the key blob, as ssh-keygen -l prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('ascii');
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) return;
    if (marker !== undefined && marker !== '@revoked' && marker !== '@cert-authority') return;
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, keyBase64, line: i + 1 });
  });
  return entries;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** One pattern against a name, case-insensitively; a pattern without wildcards is compared as a string (no RegExp per line and host). */
function patternMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern.length === name.length && pattern.toLowerCase() === name.toLowerCase();
  return globToRegExp(pattern).test(name);
}

function hashedMatch(field: string, name: string): boolean {
  const [, kind, salt, hash] = field.split('|');
  if (kind !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Does the host field of a line (hashed, or a comma list of patterns) name `name`? */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (patternMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * Check a presented key against the entries for `name`. Any known entry for the host that does
 * not match (whatever its type) counts as a changed key: a different key type is exactly what a
 * man in the middle without the real key would present.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const b64 = keyBlob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && hostsFieldMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBase64 === b64);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const match = forHost.find((e) => !e.marker && e.keyBase64 === b64);
  if (match) return { kind: 'match', line: match.line };
  const other = forHost.find((e) => !e.marker);
  if (other) return { kind: 'changed', line: other.line, knownType: other.keyType };
  return { kind: 'unknown' };
}

/** Key types known for a host, to ask the server for those first (as OpenSSH orders HostKeyAlgorithms). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => !e.marker && hostsFieldMatches(e.hosts, name)).map((e) => e.keyType))];
}

/** Parsed files, kept while the file's inode, size and mtime stay the same (a run connects to every host: parse once). */
const parsed = new Map<string, { stamp: string; entries: readonly KnownHostEntry[] }>();

export function readKnownHosts(file: string): readonly KnownHostEntry[] {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return [];
  const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
  const kept = parsed.get(file);
  if (kept?.stamp === stamp) return kept.entries;
  const entries = parseKnownHosts(readFileSync(file, 'utf8'));
  parsed.set(file, { stamp, entries });
  return entries;
}

/** The exact known_hosts line for a key. */
export function knownHostsLine(name: string, keyBlob: Buffer): string {
  return `${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

/** Append a key (accept-new). The file and its directory are created when missing. */
export function recordHostKey(file: string, name: string, keyBlob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const sep = existing && !existing.endsWith('\n') ? '\n' : '';
  appendFileSync(file, `${sep}${knownHostsLine(name, keyBlob)}\n`, { mode: 0o600 });
}
