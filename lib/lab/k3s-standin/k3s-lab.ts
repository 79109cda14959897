/**
 * A lab for the k3s role (tests, `npm run demo`, benches): lab hosts (real sshd in network
 * namespaces), a Kubernetes API server reachable on the lab bridge, and the k3s STAND-IN's install
 * server; an inventory in k3s-ansible's shape (k3s_cluster: server + agent). api_endpoint/api_port
 * name the API server's lab address (the address agents join and the role's kubeconfig names).
 * The API server is what `startApi` starts: the real control plane through ./lab-cluster.ts
 * (`startK3sLabOnCluster`, one call for lab + cluster + stand-in).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

import { startLab, type Lab } from '../lab.ts';
import { LAB_LOCK_PATH, LAB_LOCK_PATH_COMMENT } from '../lab-inventory.ts';
import { startK3sStandin, type K3sStandin } from './index.ts';
import { STANDIN_STATE_DIR } from './paths.ts';

/** The Kubernetes API the stand-in's nodes register with: the real control plane (./lab-cluster.ts). */
export interface LabApiServer {
  /** The API server's URL as lab hosts reach it (api_endpoint:api_port). */
  readonly url: string;
  /** Writes the stand-in's own kubeconfig (it registers Nodes with it). */
  writeKubeconfig(path: string): Promise<void> | void;
  /** Writes what servers write as k3s.yaml (default: the stand-in's kubeconfig). */
  writeK3sYaml?(path: string): Promise<void> | void;
  /** host:port servers relay their 127.0.0.1:6443 to. */
  readonly apiRelay?: string;
  /** The Nodes' ExternalIP: where the API server reaches their kubelet (kwok's server). */
  readonly kubeletAddress?: string;
  close(): Promise<void>;
}

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Host paths the site's roles write outside the lab's default private dirs (k3s, haproxy). */
export const K3S_PRIVATE_DIRS = ['/etc/systemd/system', '/etc/sysctl.d', '/etc/modules-load.d', '/etc/haproxy'];

export interface K3sLabOptions<A extends LabApiServer = LabApiServer> {
  /** Starts the API server on the lab's gateway address. */
  readonly startApi: (o: { host: string }) => Promise<A>;
  servers: number;
  agents: number;
  /** Extra hosts in group `loadbalancers` (for the demo's HAProxy). */
  loadBalancers?: number;
  version: string;
  /** Ports every node answers HTTP on (the stand-in's "NodePort" answer). */
  nodePorts?: number[];
  /** More group_vars/all.yml entries. */
  vars?: Record<string, unknown>;
  name?: string;
  /** See LabOptions.handleSignals (false: the caller handles Ctrl-C and calls down()). */
  handleSignals?: boolean;
}

export interface PlayRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface K3sLab<A extends LabApiServer = LabApiServer> {
  readonly lab: Lab;
  readonly controlPlane: A;
  readonly standin: K3sStandin;
  readonly servers: string[];
  readonly agents: string[];
  readonly inventoryDir: string;
  /** Where the role writes the controller's kubeconfig (the `kubeconfig` var). */
  readonly kubeconfigPath: string;
  /** `npm run play` in a child process (the whole output is kept). */
  play(args: readonly string[], options?: { timeoutMs?: number }): Promise<PlayRun>;
  /** The stand-in's JSON-lines record on a host (invocations.jsonl, systemctl.log). */
  records(host: string, file: 'invocations.jsonl' | 'systemctl.log'): Promise<Record<string, any>[]>;
  /** How many times the k3s service was started or restarted on a host. */
  starts(host: string): Promise<number>;
  /** Replace group_vars/all.yml's extra entries (the lab's own entries stay). */
  writeVars(vars: Record<string, unknown>): void;
  /** Write host_vars/<host>.yml (empty object: remove it). */
  writeHostVars(host: string, vars: Record<string, unknown>): void;
  down(): Promise<void>;
}

export async function startK3sLab<A extends LabApiServer>(o: K3sLabOptions<A>): Promise<K3sLab<A>> {
  const servers = Array.from({ length: o.servers }, (_, i) => `server${i + 1}`);
  const agents = Array.from({ length: o.agents }, (_, i) => `agent${i + 1}`);
  const lbs = Array.from({ length: o.loadBalancers ?? 0 }, (_, i) => `lb${i + 1}`);
  const total = servers.length + agents.length + lbs.length;
  // the lab names hosts node1..N; the k3s groups use these names through host aliases below
  const lab = await startLab({ hosts: total, name: o.name ?? 'k3s', extraPrivateDirs: K3S_PRIVATE_DIRS, ...(o.handleSignals !== undefined ? { handleSignals: o.handleSignals } : {}) });
  let api: A | undefined;
  let standin: K3sStandin | undefined;
  try {
    api = await o.startApi({ host: lab.gatewayIp });
    const standinKubeconfig = join(lab.dir, 'k3s-standin-kubeconfig.yaml');
    await api.writeKubeconfig(standinKubeconfig);
    const k3sYaml = join(lab.dir, 'k3s-standin-k3s.yaml');
    if (api.writeK3sYaml) await api.writeK3sYaml(k3sYaml);
    const names = [...servers, ...agents, ...lbs];
    const nodeIps = Object.fromEntries(names.map((n, i) => [n, lab.hosts[i]!.ip]));
    standin = await startK3sStandin({
      listenHost: lab.gatewayIp, kubeconfig: standinKubeconfig, nodePorts: o.nodePorts ?? [], nodeIps,
      ...(api.writeK3sYaml ? { k3sYaml } : {}), ...(api.apiRelay ? { apiRelay: api.apiRelay } : {}),
      ...(api.kubeletAddress ? { kubeletAddress: api.kubeletAddress } : {}),
    });
    const inventoryDir = join(lab.dir, 'k3s-inventory');
    writeInventory(lab, inventoryDir, servers, agents, lbs);
    const kubeconfigPath = join(lab.dir, 'kubeconfig');
    const baseVars = {
      k3s_version: o.version, k3s_install_script_url: standin.installUrl,
      api_endpoint: lab.gatewayIp, api_port: Number(new URL(api.url).port),
      kubeconfig: kubeconfigPath, cluster_context: 'capstan-lab',
      // a lab's tests write tokens in plain text (the vault is covered by test/vault.test.ts)
      capstan_allow_plain_secrets: true, ...o.vars,
    };
    const writeVars = (vars: Record<string, unknown>) => writeFileSync(join(inventoryDir, 'group_vars', 'all.yml'), stringify({ ...baseVars, ...vars }));
    writeVars({});
    return makeK3sLab(lab, api, standin, { servers, agents, inventoryDir, kubeconfigPath, writeVars });
  } catch (e) {
    await standin?.close();
    await api?.close();
    await lab.down();
    throw e;
  }
}

/** k3s-ansible's shape over the lab's hosts: names server1.., agent1.., lb1.. (ansible_host = lab IPs). */
function writeInventory(lab: Lab, dir: string, servers: string[], agents: string[], lbs: string[]): void {
  mkdirSync(join(dir, 'group_vars'), { recursive: true });
  let i = 0;
  const line = (name: string) => `${name} ansible_host=${lab.hosts[i++]!.ip}`;
  const lines = ['[server]', ...servers.map(line), '', '[agent]', ...agents.map(line), ''];
  if (lbs.length) lines.push('[loadbalancers]', ...lbs.map(line), '');
  lines.push('[k3s_cluster:children]', 'server', 'agent', '', '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${lab.privateKeyFile}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes'`,
    `capstan_known_hosts_file=${lab.knownHostsFile}`, LAB_LOCK_PATH_COMMENT, LAB_LOCK_PATH, '');
  writeFileSync(join(dir, 'hosts'), lines.join('\n'));
}

function makeK3sLab<A extends LabApiServer>(lab: Lab, api: A, standin: K3sStandin, x: {
  servers: string[]; agents: string[]; inventoryDir: string; kubeconfigPath: string; writeVars: (v: Record<string, unknown>) => void;
}): K3sLab<A> {
  const labHost = (name: string) => {
    const all = [...x.servers, ...x.agents];
    const i = all.indexOf(name);
    return lab.hosts[i >= 0 ? i : Number.NaN]?.name ?? name;
  };
  const records = async (host: string, file: string) => {
    const r = await lab.exec(labHost(host), ['cat', `${STANDIN_STATE_DIR}/${file}`], { allowFail: true });
    return r.code === 0 ? r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>) : [];
  };
  return {
    lab, controlPlane: api, standin, ...x,
    play: (args, options) => runPlay(['--inventory', x.inventoryDir, ...args], options?.timeoutMs ?? 120_000, join(lab.dir, 'play.log')),
    records,
    async starts(host) {
      return (await records(host, 'systemctl.log')).filter((r) => r['verb'] === 'start' || r['verb'] === 'restart').length;
    },
    writeVars: x.writeVars,
    writeHostVars(host, vars) {
      mkdirSync(join(x.inventoryDir, 'host_vars'), { recursive: true });
      const file = join(x.inventoryDir, 'host_vars', `${host}.yml`);
      if (Object.keys(vars).length) writeFileSync(file, stringify(vars));
      else rmSync(file, { force: true });
    },
    async down() {
      await standin.close();
      await api.close();
      await lab.down();
    },
  };
}

function runPlay(args: string[], timeoutMs: number, logFile: string): Promise<PlayRun> {
  return new Promise((resolvePlay, reject) => {
    const child = spawn(process.execPath, [join(projectDir, 'lib/cli/play.ts'), ...args], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`npm run play ${args.join(' ')}: no end after ${timeoutMs / 1000}s\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      appendFileSync(logFile, `$ play ${args.join(' ')}\n${stdout}${stderr}\n`);
      resolvePlay({ code, stdout, stderr });
    });
  });
}
