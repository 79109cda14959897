/**
 * What each node gets, computed from vars alone (pure, no I/O): /etc/rancher/k3s/config.yaml, the
 * service env file, registries.yaml, the install script's arguments and environment. Values go
 * into files (written over SFTP) or into argument arrays quoted by `sh`: never into a shell string.
 */
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { sh, type Cmd } from '../../lib/shell.ts';
import { shellWords } from '../../lib/shell-words.ts';
import type { NodeKind, Topology } from './topology.ts';

/** Keys capstan manages in config.yaml; setting them in *_config_yaml is a mistake. */
export const MANAGED_CONFIG_KEYS = ['token', 'server', 'cluster-init', 'node-name'] as const;

export const CONFIG_PATH = '/etc/rancher/k3s/config.yaml';
export const REGISTRIES_PATH = '/etc/rancher/k3s/registries.yaml';
export const KUBECONFIG_PATH = '/etc/rancher/k3s/k3s.yaml';
export const SERVER_TOKEN_PATH = '/var/lib/rancher/k3s/server/token';
export const BINARY_PATH = '/usr/local/bin/k3s';
export const IMAGES_DIR = '/var/lib/rancher/k3s/agent/images';
/** Where capstan records the installer inputs of the last install (version, arguments). */
export const INSTALL_STAMP_PATH = '/etc/rancher/k3s/capstan-install.json';

export function serviceName(kind: NodeKind): 'k3s' | 'k3s-agent' {
  return kind === 'agent' ? 'k3s-agent' : 'k3s';
}

export function envFilePath(systemdDir: string, kind: NodeKind): string {
  return `${systemdDir.replace(/\/+$/, '')}/${serviceName(kind)}.service.env`;
}

/**
 * Splits k3s-ansible's `extra_server_args: "--a=1 --b 'x y'"` into words: whitespace separates,
 * single and double quotes group, a backslash escapes the next character. Nothing is expanded.
 */
export function splitArgs(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? shellWords(value) : [...value];
}

/** A YAML block var (string or mapping) as a mapping; throws with the YAML error. */
export function yamlMapping(value: string | Record<string, unknown> | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  const parsed: unknown = typeof value === 'string' ? parse(value) : value;
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('must be a YAML mapping of k3s config keys');
  return parsed as Record<string, unknown>;
}

export interface NodeConfigInput {
  readonly kind: NodeKind;
  readonly topology: Topology;
  readonly token: string;
  readonly nodeName: string;
  readonly tlsSan: readonly string[];
  readonly disable: readonly string[];
  /** server_config_yaml or agent_config_yaml, already a mapping. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** The content of /etc/rancher/k3s/config.yaml for one node. */
export function nodeConfig(input: NodeConfigInput): Record<string, unknown> {
  const { kind, topology } = input;
  const config: Record<string, unknown> = { ...input.extra, 'node-name': input.nodeName, token: input.token };
  if (kind === 'first-server') config['cluster-init'] = true;
  else config['server'] = topology.apiUrl;
  if (kind !== 'agent') {
    const san = [...new Set([topology.apiEndpoint, ...input.tlsSan, ...asStrings(input.extra['tls-san'])])];
    config['tls-san'] = san;
    const disable = [...new Set([...input.disable, ...asStrings(input.extra['disable'])])];
    if (disable.length > 0) config['disable'] = disable;
  }
  return sortKeys(config);
}

function asStrings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export function renderYaml(value: Record<string, unknown>): string {
  return `# managed by capstan (roles/k3s); edits are overwritten\n${stringify(value)}`;
}

/** The service env file: one KEY=value per line, values double-quoted for systemd. */
export function renderEnvFile(envs: readonly string[]): string {
  const lines = envs.map((e) => {
    const i = e.indexOf('=');
    const value = e.slice(i + 1).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return `${e.slice(0, i)}="${value}"`;
  });
  return `# managed by capstan (roles/k3s)\n${lines.map((l) => `${l}\n`).join('')}`;
}

export interface InstallSpec {
  readonly version: string;
  /** 'server' or 'agent', then the extra args: positional parameters of the install script. */
  readonly args: readonly string[];
  readonly airgap: boolean;
  readonly systemdDir: string;
}

export function installSpec(kind: NodeKind, version: string, extraArgs: readonly string[], airgap: boolean, systemdDir: string): InstallSpec {
  return { version, args: [kind === 'agent' ? 'agent' : 'server', ...extraArgs], airgap, systemdDir };
}

/** The installer's environment (k3s's documented INSTALL_K3S_* variables). Start is ours, after the env file. */
export function installEnv(spec: InstallSpec): Record<string, string> {
  const env: Record<string, string> = {
    INSTALL_K3S_VERSION: spec.version,
    INSTALL_K3S_SKIP_START: 'true',
    INSTALL_K3S_SYSTEMD_DIR: spec.systemdDir,
  };
  if (spec.airgap) env['INSTALL_K3S_SKIP_DOWNLOAD'] = 'true';
  return env;
}

/** `env INSTALL_K3S_...=... sh <script> server|agent <extra args>`, every word quoted. */
export function installCommand(spec: InstallSpec, script: string): Cmd {
  const env = Object.entries(installEnv(spec)).map(([k, v]) => `${k}=${v}`);
  return sh`env ${env} sh ${script} ${spec.args}`;
}

/** Recorded on the node after an install: a different stamp means the installer must run again. */
export function installStamp(spec: InstallSpec): string {
  const digest = createHash('sha256').update(JSON.stringify({ args: spec.args, systemdDir: spec.systemdDir })).digest('hex');
  return `${JSON.stringify({ version: spec.version, args: digest })}\n`;
}

/** `k3s --version` prints "k3s version v1.31.4+k3s1 (abcdef12)". */
export function parseK3sVersion(stdout: string): string | undefined {
  return /k3s version (v\S+)/.exec(stdout)?.[1];
}
