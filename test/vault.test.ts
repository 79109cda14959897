import { encryptVaultForTest as encryptWithParams } from './support/vault-encrypt-for-test.ts';
/**
 * Ansible Vault: fixtures encrypted by Debian's ansible-vault (1.1 file, 1.2 `prod` file, inline
 * 1.1 and 1.2 values), the newer payload that carries its own iteration count (encrypted here
 * by a test-only encrypter, since ansible-core 2.14 cannot write it), password sources, wrong
 * passwords and masking of every decrypted value.
 */
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InventoryError } from '../lib/errors.ts';
import { decryptVault, loadInventory, parseExtraVars, readVaultKeyring, resolveHost, type VaultKeyring } from '../lib/inventory/index.ts';
import { clearSecretsForTest, mask, maskDeep } from '../lib/secrets.ts';

const projectDir = join(import.meta.dirname, '..');
const dir = join(projectDir, 'test/fixtures/inventory/vault');
const PASSWORD = 'capstan-fixture-vault-password';
const PROD_PASSWORD = 'prod-fixture-password';
const keyring = (...secrets: [string, string][]): VaultKeyring => ({ secrets: secrets.map(([id, p]) => ({ id, password: Buffer.from(p) })) });
const both = keyring(['default', PASSWORD], ['prod', PROD_PASSWORD]);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-vault-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => clearSecretsForTest());

/** Test-only encrypter for the newer payload form (salt, hmac, ciphertext, JSON params). */
const encryptVaultForTest = (plaintext: string, password: string, iterations: number) => encryptWithParams(plaintext, password, iterations, true);

describe('vault decryption', () => {
  it('reads 1.1 and 1.2 files and inline values encrypted by ansible-vault', async () => {
    const inv = await loadInventory(dir, { projectDir, vault: both });
    const web1 = resolveHost(inv, 'web1');
    expect(web1.get('vault_db_password')).toBe('s3cr3t-db-password');
    expect(web1.get('vault_api_tokens')).toEqual(['token-alpha-1234', 'token-beta-5678']);
    expect(web1.get('vault_port')).toBe(5432);
    expect(web1.get('db_password')).toBe('s3cr3t-db-password');
    expect(web1.get('web_secret')).toBe('inline-secret-1.1-value');
    expect(web1.get('web_prod_secret')).toBe('inline-secret-1.2-value');
    expect(resolveHost(inv, 'db1').get('db_admin_password')).toBe('prod-admin-pass-9876');
    expect(inv.layersOf('web1').find((l) => 'web_secret' in l.vars)?.vars.web_secret).toBe('inline-secret-1.1-value');
  });

  it('registers every decrypted string as a secret, so every output masks it', async () => {
    const inv = await loadInventory(dir, { projectDir, vault: both });
    const all = resolveHost(inv, 'web1').all();
    expect(maskDeep(all)).toMatchObject({
      vault_db_password: '********', db_password: '********', vault_api_tokens: ['********', '********'],
      web_secret: '********', web_prod_secret: '********', plain_value: 'visible', vault_port: 5432,
    });
    expect(mask(`--set password=${String(resolveHost(inv, 'db1').get('db_admin_password'))}`)).toBe('--set password=********');
  });

  it('accepts the newer payload that carries its own PBKDF2 iteration count', () => {
    const text = encryptVaultForTest('newer-format-secret', PASSWORD, 2000);
    expect(decryptVault(text, keyring(['default', PASSWORD]))).toBe('newer-format-secret');
    expect(() => decryptVault(text, keyring(['default', 'wrong']))).toThrow(/no vault password fits/);
  });

  it('checks the HMAC before decrypting: a tampered ciphertext is refused', () => {
    const text = encryptVaultForTest('tamper-me-please', PASSWORD, 1000);
    const lines = text.split('\n');
    const body = Buffer.from(lines.slice(1).join(''), 'hex').toString().split('\n');
    body[2] = body[2]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const tampered = `${lines[0]}\n${Buffer.from(body.join('\n')).toString('hex')}\n`;
    expect(() => decryptVault(tampered, keyring(['default', PASSWORD]))).toThrow(/no vault password fits/);
  });

  it('a wrong password is an InventoryError naming each file, without leaking anything', async () => {
    const err = await loadInventory(dir, { projectDir, vault: keyring(['default', 'not-the-password']) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventoryError);
    const problems = (err as InventoryError).problems;
    expect(problems.map((p) => `${p.file} › ${p.key}`)).toEqual([
      'test/fixtures/inventory/vault/group_vars/all/vault.yml › ',
      'test/fixtures/inventory/vault/group_vars/db.yml › ',
      'test/fixtures/inventory/vault/host_vars/web1.yml › web_secret',
      'test/fixtures/inventory/vault/host_vars/web1.yml › web_prod_secret',
    ]);
    expect(problems[1]!.message).toMatch(/no vault password fits .*the file wants "prod"/);
    expect((err as Error).message).not.toMatch(/s3cr3t|prod-admin/);
  });

  it('without a password: an encrypted file is an error; an inline value fails only when read', async () => {
    const err = await loadInventory(dir, { projectDir }).catch((e: unknown) => e);
    expect((err as InventoryError).problems.map((p) => p.file)).toEqual([
      'test/fixtures/inventory/vault/group_vars/all/vault.yml', 'test/fixtures/inventory/vault/group_vars/db.yml',
    ]);
    expect((err as InventoryError).problems[0]!.message).toMatch(/no vault password was given: pass --vault-password-file/);
    const root = join(tmp, 'inline-only');
    const { mkdir, copyFile } = await import('node:fs/promises');
    await mkdir(join(root, 'host_vars'), { recursive: true });
    await copyFile(join(dir, 'hosts'), join(root, 'hosts'));
    await copyFile(join(dir, 'host_vars/web1.yml'), join(root, 'host_vars/web1.yml'));
    const inv = await loadInventory(root, { projectDir: root });
    const web1 = resolveHost(inv, 'web1');
    expect(web1.get('plain_value')).toBe('visible');
    expect(() => web1.get('web_secret')).toThrow(/host_vars\/web1.yml › web_secret \(host web1\): encrypted with Ansible Vault and no vault password/);
  });
});

describe('vault passwords', () => {
  it('reads --vault-password-file, label@file, CAPSTAN_VAULT_PASSWORD and ANSIBLE_VAULT_PASSWORD_FILE', async () => {
    const ring = await readVaultKeyring({
      passwordFile: 'test/fixtures/inventory/vault/vault-pass.txt',
      env: { CAPSTAN_VAULT_PASSWORD: 'from-env-password', ANSIBLE_VAULT_PASSWORD_FILE: 'prod@test/fixtures/inventory/vault/prod-pass.txt' },
      cwd: projectDir,
    });
    expect(ring?.secrets.map((s) => [s.id, s.password.toString()])).toEqual([
      ['default', PASSWORD], ['default', 'from-env-password'], ['prod', PROD_PASSWORD],
    ]);
    expect(mask(`x ${PASSWORD} y`)).toBe('x ******** y');
    expect(await readVaultKeyring({ env: {}, cwd: projectDir })).toBeUndefined();
  });

  it('runs an executable password file; a *-client script gets --vault-id', async () => {
    const script = join(tmp, 'vault-pass.sh');
    await writeFile(script, `#!/bin/sh\necho ${PASSWORD}\n`);
    await chmod(script, 0o755);
    const client = join(tmp, 'vault-pass-client.sh');
    await writeFile(client, '#!/bin/sh\n[ "$1" = --vault-id ] && echo "pw-for-$2"\n');
    await chmod(client, 0o755);
    const ring = await readVaultKeyring({ passwordFile: script, env: { ANSIBLE_VAULT_PASSWORD_FILE: `prod@${client}` }, cwd: tmp });
    expect(ring?.secrets.map((s) => [s.id, s.password.toString()])).toEqual([['default', PASSWORD], ['prod', 'pw-for-prod']]);
  });

  it('names a missing or empty password file', async () => {
    await expect(readVaultKeyring({ passwordFile: 'nope.txt', env: {}, cwd: tmp })).rejects.toThrow(/nope.txt › --vault-password-file: cannot read the vault password: no such file/);
    await writeFile(join(tmp, 'empty.txt'), '\n');
    await expect(readVaultKeyring({ passwordFile: 'empty.txt', env: {}, cwd: tmp })).rejects.toThrow(/the vault password file is empty/);
  });

  it('reads a vault-encrypted hosts file; its values are secrets, its host names are not', async () => {
    const root = join(tmp, 'encrypted-hosts');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'hosts'), encryptVaultForTest('[web]\nweb-secret-host token=hosts-file-secret-value\n', PASSWORD, 1000));
    const inv = await loadInventory(root, { projectDir: root, vault: keyring(['default', PASSWORD]) });
    expect(resolveHost(inv, 'web-secret-host').get('token')).toBe('hosts-file-secret-value');
    expect(mask('web-secret-host: hosts-file-secret-value')).toBe('web-secret-host: ********');
  });

  it('decrypts an encrypted -e @file', async () => {
    const file = join(tmp, 'extra.yml');
    await writeFile(file, encryptVaultForTest('extra_secret: from-extra-file\n', PASSWORD, 1000));
    const layers = await parseExtraVars([`@${file}`], tmp, keyring(['default', PASSWORD]));
    expect(layers[0]!.vars).toEqual({ extra_secret: 'from-extra-file' });
    expect(mask('from-extra-file')).toBe('********');
  });
});
