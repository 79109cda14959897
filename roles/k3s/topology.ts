/**
 * Who is who in the cluster, from the inventory alone (pure): servers, agents, the first server
 * (cluster-init), the API endpoint and each host's node name. k3s-ansible's shape: a group
 * `k3s_cluster` with children `server` and `agent` (names set by k3s_server_group / k3s_agent_group).
 */
export type NodeKind = 'first-server' | 'server' | 'agent';

export interface Topology {
  readonly servers: readonly string[];
  readonly agents: readonly string[];
  readonly firstServer: string;
  /** Host name or IP of the API (api_endpoint, default the first server's address). */
  readonly apiEndpoint: string;
  readonly apiPort: number;
  /** https://<endpoint>:<port>, with IPv6 literals bracketed. */
  readonly apiUrl: string;
}

export interface TopologyInput {
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly hostvars: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly serverGroup: string;
  readonly agentGroup: string;
  readonly apiEndpoint: string | undefined;
  readonly apiPort: number;
}

/** The address capstan connects to for a host: ansible_host, else its name. */
export function hostAddress(hostvars: TopologyInput['hostvars'], host: string): string {
  const address = hostvars[host]?.['ansible_host'];
  return typeof address === 'string' && address !== '' ? address : host;
}

export function apiUrlOf(endpoint: string, port: number): string {
  const host = endpoint.includes(':') && !endpoint.startsWith('[') ? `[${endpoint}]` : endpoint;
  return `https://${host}:${port}`;
}

/** Undefined when the server group is empty (validation reports it). */
export function topologyOf(input: TopologyInput): Topology | undefined {
  const servers = input.groups[input.serverGroup] ?? [];
  const firstServer = servers[0];
  if (firstServer === undefined) return undefined;
  const agents = (input.groups[input.agentGroup] ?? []).filter((h) => !servers.includes(h));
  const apiEndpoint = input.apiEndpoint ?? hostAddress(input.hostvars, firstServer);
  return { servers, agents, firstServer, apiEndpoint, apiPort: input.apiPort, apiUrl: apiUrlOf(apiEndpoint, input.apiPort) };
}

export function kindOf(topology: Topology, host: string): NodeKind | undefined {
  if (host === topology.firstServer) return 'first-server';
  if (topology.servers.includes(host)) return 'server';
  if (topology.agents.includes(host)) return 'agent';
  return undefined;
}

/** The node name k3s registers: k3s_node_name, else the inventory name (hostnames may repeat). */
export function nodeNameOf(hostvars: TopologyInput['hostvars'], host: string): string {
  const name = hostvars[host]?.['k3s_node_name'];
  return typeof name === 'string' && name !== '' ? name : host;
}
