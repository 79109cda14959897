/**
 * A test-only Ansible Vault 1.1 encrypter (AES256, PBKDF2-SHA256, HMAC), so tests make vaulted
 * values without ansible-vault. capstan itself only decrypts (lib/inventory/vault.ts).
 */
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** `carryIterations`: the newer payload form that carries its own iteration count (JSON params). */
export function encryptVaultForTest(plaintext: string, password: string, iterations = 10_000, carryIterations = false): string {
  const salt = randomBytes(32);
  const derived = pbkdf2Sync(password, salt, iterations, 80, 'sha256');
  const pad = 16 - (Buffer.byteLength(plaintext) % 16);
  const padded = Buffer.concat([Buffer.from(plaintext), Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-ctr', derived.subarray(0, 32), derived.subarray(64));
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  const hmac = createHmac('sha256', derived.subarray(32, 64)).update(ciphertext).digest();
  const parts = carryIterations ? [salt, hmac, ciphertext, Buffer.from(JSON.stringify({ iterations, key_length: 32 }))] : [salt, hmac, ciphertext];
  const body = Buffer.from(parts.map((b) => b.toString('hex')).join('\n')).toString('hex');
  return `$ANSIBLE_VAULT;1.1;AES256\n${body.match(/.{1,80}/g)!.join('\n')}\n`;
}

/** `name: !vault |` with the value encrypted, as `ansible-vault encrypt_string --name` prints it. */
export function vaultedVar(name: string, plaintext: string, password: string): string {
  const lines = encryptVaultForTest(plaintext, password).trimEnd().split('\n');
  return `${name}: !vault |\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
