/**
 * Everything lb-config writes, from one host's vars: the model, then haproxy.cfg, as3.json and
 * f5-tmsh.txt rendered from it. Pure apart from reading the (overridable) template.
 */
import { isIP } from 'node:net';
import { InputError } from '../errors.ts';
import { as3Declaration } from './f5-as3.ts';
import type { F5Settings } from './f5-objects.ts';
import { f5Name, f5Objects } from './f5-objects.ts';
import { tmshCommands } from './f5-tmsh.ts';
import type { HaproxyGlobals } from './haproxy.ts';
import { renderHaproxy } from './haproxy.ts';
import type { LbInput, LbModel } from './model.ts';
import { buildModel } from './model.ts';
import type { LbVars } from './vars.ts';

export const HAPROXY_FILE = 'haproxy.cfg';
export const AS3_FILE = 'as3.json';
export const TMSH_FILE = 'f5-tmsh.txt';

export interface LbFile {
  readonly name: string;
  readonly content: string;
  /** 0o600 when the content holds a secret (the stats password). */
  readonly mode: number;
}

export interface LbOutput {
  readonly model: LbModel;
  readonly files: readonly LbFile[];
  /** Things the user should know (F5 skipped, features the F5 output lacks). */
  readonly notes: readonly string[];
}

export function haproxyGlobals(vars: LbVars): HaproxyGlobals {
  return {
    logTarget: vars.haproxy_log_target, statsSocket: vars.haproxy_stats_socket,
    chroot: vars.haproxy_chroot, user: vars.haproxy_user, group: vars.haproxy_group,
  };
}

export function f5Settings(vars: LbVars): F5Settings | undefined {
  if (!vars.f5_virtual_address) return undefined;
  const tenant = vars.f5_tenant ?? f5Name(vars.lb_frontend_name);
  return {
    tenant, application: vars.f5_application, partition: vars.f5_partition ?? tenant,
    virtualAddress: vars.f5_virtual_address, apiVirtualAddress: vars.f5_api_virtual_address ?? vars.f5_virtual_address,
    certificate: vars.f5_tls_certificate, key: vars.f5_tls_key,
  };
}

/** haproxy.cfg alone (the haproxy role deploys just this). */
export function haproxyConfig(input: LbInput, inventoryDir?: string, options: { checkVars?: boolean } = {}): { model: LbModel; text: string } {
  const model = buildModel(input, options);
  // Nothing run-dependent (such as the inventory folder's name) goes into the deployed file: the same
  // inventory run from another folder must produce the same bytes, or every LB would be reloaded.
  return { model, text: renderHaproxy(model, haproxyGlobals(input.vars), { source: 'the inventory', ...(inventoryDir ? { inventoryDir } : {}) }) };
}

export function generateLb(input: LbInput, inventoryDir?: string, options: { checkVars?: boolean } = {}): LbOutput {
  const { model, text } = haproxyConfig(input, inventoryDir, options);
  const secretMode = model.stats ? 0o600 : 0o644;
  const files: LbFile[] = [{ name: HAPROXY_FILE, content: text, mode: secretMode }];
  const settings = f5Settings(input.vars);
  if (!settings) {
    return { model, files, notes: ['no F5 files: set f5_virtual_address to generate as3.json and f5-tmsh.txt'] };
  }
  const named = [...new Set(model.backends.flatMap((b) => b.members).filter((m) => isIP(m.address) === 0).map((m) => m.name))];
  if (named.length) {
    throw new InputError(named.map((host) => ({
      file: '', key: 'f5_virtual_address', host,
      message: `F5 pool members need IP addresses, and ${host} has none; set its ansible_host to an IP, or unset f5_virtual_address to skip the F5 files`,
    })), 'cannot write the F5 config');
  }
  const objects = f5Objects(model, settings);
  const id = `capstan-${model.name}`;
  files.push({ name: AS3_FILE, content: `${JSON.stringify(as3Declaration(objects, id), null, 2)}\n`, mode: 0o644 });
  files.push({ name: TMSH_FILE, content: tmshCommands(objects), mode: 0o644 });
  return { model, files, notes: objects.notes };
}

