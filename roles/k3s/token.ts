/**
 * The cluster token. From vault when given; else read back from the first server (its
 * config.yaml, or the token k3s wrote); else generated once and stored on the first server (in
 * its config.yaml, 0600). Every value is registered as a secret the moment it is known, so no
 * output shows it. A vault token that differs from the cluster's is refused, not applied.
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { CapstanError } from '../../lib/errors.ts';
import { registerSecret } from '../../lib/secrets.ts';
import type { Transport } from '../../lib/transport/types.ts';
import { CONFIG_PATH, SERVER_TOKEN_PATH } from './config.ts';

export interface ResolvedToken {
  token: string;
  source: 'vault' | 'first server config' | 'first server token file' | 'generated';
}

/** k3s's full token form is K10<ca hash>::server:<password>; a short token is the password. */
export function tokenPassword(token: string): string {
  const m = /^K10[0-9a-f]+::[^:]+:(.+)$/.exec(token.trim());
  return m ? m[1]! : token.trim();
}

async function readText(t: Transport, path: string): Promise<string | undefined> {
  const b = await t.get(path, { become: true });
  return b?.toString('utf8');
}

/** The token currently in a node's config.yaml (registered as a secret), if any. */
export async function configToken(t: Transport): Promise<string | undefined> {
  const text = await readText(t, CONFIG_PATH);
  if (text === undefined) return undefined;
  const token = (parse(text) as Record<string, unknown> | null)?.['token'];
  if (typeof token !== 'string') return undefined;
  registerSecret(token);
  return token;
}

/** The password part of the token k3s wrote on a server (registered as a secret), if any. */
export async function clusterTokenOn(t: Transport): Promise<string | undefined> {
  const text = await readText(t, SERVER_TOKEN_PATH);
  if (text === undefined || text.trim() === '') return undefined;
  registerSecret(text.trim());
  const password = tokenPassword(text);
  registerSecret(password);
  return password;
}

export function tokenMismatch(host: string, detail: string): CapstanError {
  return new CapstanError(
    `${host}: the token from the inventory differs from the token this k3s cluster was created with (${detail}). ` +
    'k3s would refuse to start ("bootstrap data already found and encrypted with different token"), so nothing was changed.',
    { hint: `set \`token\` (in vault) to the cluster's token, found in ${SERVER_TOKEN_PATH} on the first server, or run the reset playbook to start a new cluster` },
  );
}

export function generateToken(): string {
  const token = randomBytes(24).toString('hex');
  registerSecret(token);
  return token;
}

/** Runs on the first server, before anything is written there. */
export async function resolveToken(t: Transport, vaultToken: string | undefined): Promise<ResolvedToken> {
  if (vaultToken !== undefined) registerSecret(vaultToken);
  const cluster = await clusterTokenOn(t);
  if (vaultToken !== undefined) {
    if (cluster !== undefined && cluster !== tokenPassword(vaultToken)) throw tokenMismatch(t.host, `${SERVER_TOKEN_PATH} on ${t.host}`);
    return { token: vaultToken, source: 'vault' };
  }
  const fromConfig = await configToken(t);
  if (fromConfig !== undefined) return { token: fromConfig, source: 'first server config' };
  if (cluster !== undefined) return { token: cluster, source: 'first server token file' };
  return { token: generateToken(), source: 'generated' };
}
