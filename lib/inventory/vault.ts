/**
 * Ansible Vault decryption (node:crypto only): `$ANSIBLE_VAULT;1.1;AES256` and
 * `$ANSIBLE_VAULT;1.2;AES256;<vault-id>`. The body is hex of `hex(salt)\nhex(hmac)\nhex(ciphertext)`
 * (plus `\nhex(json params)` in the newer form that carries its own PBKDF2 iteration count).
 * Keys: PBKDF2-HMAC-SHA256(password, salt, iterations (10000 by default), 2*32+16 bytes) →
 * AES key, HMAC key, CTR counter. The HMAC-SHA256 of the ciphertext is checked (timing-safe)
 * before anything is decrypted; then AES-256-CTR and PKCS#7 unpadding.
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/** One vault password, with the vault-id label it was given for (`default` when none). */
export interface VaultSecret {
  readonly id: string;
  readonly password: Buffer;
}

/** The vault passwords available to this run. */
export interface VaultKeyring {
  readonly secrets: readonly VaultSecret[];
}

const VAULT_HEADER = '$ANSIBLE_VAULT';

export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(`${VAULT_HEADER};`);
}

interface Envelope {
  version: string;
  cipher: string;
  vaultId: string | undefined;
  body: string;
}

/** Why a vault text could not be decrypted, phrased for `file › key: <reason>`. */
export class VaultDecryptError extends Error {}

function envelope(text: string): Envelope {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim());
  const header = lines[0]!.split(';');
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultDecryptError(`not an Ansible Vault header: "${lines[0]}"`);
  const [, version = '', cipher = '', vaultId] = header;
  if (!/^1\.[12]$/.test(version)) throw new VaultDecryptError(`unsupported vault format version ${version}: re-encrypt with ansible-vault (1.1 or 1.2)`);
  if (cipher !== 'AES256') throw new VaultDecryptError(`unsupported vault cipher ${cipher}: only AES256 is supported`);
  return { version, cipher, vaultId: vaultId?.trim() || undefined, body: lines.slice(1).join('') };
}

interface Payload {
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
  iterations: number;
  keyLength: number;
}

function payload(body: string): Payload {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(body)) throw new VaultDecryptError('the vault body is not hex: the file is damaged');
  const parts = Buffer.from(body, 'hex').toString('latin1').split('\n');
  if (parts.length < 3 || parts.slice(0, 4).some((p) => !/^(?:[0-9a-fA-F]{2})*$/.test(p))) {
    throw new VaultDecryptError('the vault payload is malformed: the file is damaged');
  }
  const [salt, hmac, ciphertext, params] = parts.map((p) => Buffer.from(p, 'hex'));
  let iterations = 10000;
  let keyLength = 32;
  if (params && params.length) {
    const opts = JSON.parse(params.toString('utf8')) as { iterations?: number; key_length?: number };
    iterations = opts.iterations ?? iterations;
    keyLength = opts.key_length ?? keyLength;
  }
  return { salt: salt!, hmac: hmac!, ciphertext: ciphertext!, iterations, keyLength };
}

const keyCache = new Map<string, { aesKey: Buffer; hmacKey: Buffer; iv: Buffer }>();

function deriveKeys(password: Buffer, p: Payload): { aesKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const cacheKey = `${password.toString('hex')}:${p.salt.toString('hex')}:${p.iterations}:${p.keyLength}`;
  let keys = keyCache.get(cacheKey);
  if (!keys) {
    const derived = pbkdf2Sync(password, p.salt, p.iterations, p.keyLength * 2 + 16, 'sha256');
    keys = { aesKey: derived.subarray(0, p.keyLength), hmacKey: derived.subarray(p.keyLength, p.keyLength * 2), iv: derived.subarray(p.keyLength * 2) };
    keyCache.set(cacheKey, keys);
  }
  return keys;
}

/** Decrypts with one password; undefined when the HMAC does not match (wrong password). */
function decryptWith(password: Buffer, p: Payload): Buffer | undefined {
  const { aesKey, hmacKey, iv } = deriveKeys(password, p);
  const mac = createHmac('sha256', hmacKey).update(p.ciphertext).digest();
  if (mac.length !== p.hmac.length || !timingSafeEqual(mac, p.hmac)) return undefined;
  const decipher = createDecipheriv(`aes-${p.keyLength * 8}-ctr`, aesKey, iv);
  const padded = Buffer.concat([decipher.update(p.ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length) throw new VaultDecryptError('bad padding after decryption: the file is damaged');
  return padded.subarray(0, padded.length - pad);
}

/**
 * Decrypts vault text. Tries the secret whose vault-id matches the 1.2 header first, then every
 * other secret (as Ansible does). Throws VaultDecryptError when no password fits.
 */
export function decryptVault(text: string, keyring: VaultKeyring | undefined): string {
  const env = envelope(text);
  if (!keyring || keyring.secrets.length === 0) {
    throw new VaultDecryptError('encrypted with Ansible Vault but no vault password was given: pass --vault-password-file, or set CAPSTAN_VAULT_PASSWORD or ANSIBLE_VAULT_PASSWORD_FILE');
  }
  const p = payload(env.body);
  const ordered = [...keyring.secrets].sort((a, b) => Number(b.id === env.vaultId) - Number(a.id === env.vaultId));
  for (const secret of ordered) {
    const plain = decryptWith(secret.password, p);
    if (plain) return plain.toString('utf8');
  }
  const ids = keyring.secrets.map((s) => s.id).join(', ');
  throw new VaultDecryptError(`decryption failed: no vault password fits (tried vault-id ${ids}${env.vaultId ? `; the file wants "${env.vaultId}"` : ''}): check --vault-password-file / CAPSTAN_VAULT_PASSWORD`);
}
