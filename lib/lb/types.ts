/** The load-balancer model's types: what model.ts builds and haproxy.ts / f5-*.ts render. */
import type { ClusterVars } from './cluster-vars.ts';
import type { LbVars } from './vars.ts';

export type Balance = 'roundrobin' | 'leastconn';

export interface Member {
  /** The inventory host name (sanitised for config files). */
  readonly name: string;
  /** ansible_host, else the host name. */
  readonly address: string;
  readonly port: number;
}

export type HealthCheck =
  | { readonly type: 'tcp' }
  /** HTTP GET `path` on `port` of each member, expecting `expectStatus`. */
  | { readonly type: 'http'; readonly path: string; readonly port: number; readonly expectStatus: number };

export interface Backend {
  readonly name: string;
  /** Which service this is (istio-http, api, ...), for humans and F5 remarks. */
  readonly service: string;
  /** http: HAProxy parses HTTP; tcp: bytes pass through. */
  readonly mode: 'http' | 'tcp';
  readonly balance: Balance;
  readonly members: readonly Member[];
  readonly health: HealthCheck;
  readonly proxyProtocol: boolean;
}

export interface Bind {
  readonly port: number;
  /** TLS terminated here with this PEM. */
  readonly certificate?: string;
}

export interface Frontend {
  readonly name: string;
  readonly service: string;
  readonly mode: 'http' | 'tcp';
  readonly address: string;
  readonly binds: readonly Bind[];
  /** Redirect plain HTTP requests to HTTPS (301). */
  readonly redirectToHttps: boolean;
  readonly backend: string;
  /** Which F5 virtual address: the main one or the API one. */
  readonly vip: 'main' | 'api';
}

export interface LbModel {
  readonly name: string;
  readonly frontends: readonly Frontend[];
  readonly backends: readonly Backend[];
  readonly check: { readonly interval: string; readonly fall: number; readonly rise: number };
  readonly timeouts: { readonly connect: string; readonly client: string; readonly server: string };
  /** undefined: HAProxy derives it from the open-file limit. */
  readonly maxconn: number | undefined;
  readonly stats?: { readonly port: number; readonly user: string; readonly password: string; readonly address: string };
}

export interface LbInput {
  /** The lb_* vars (typed, defaults applied). */
  readonly vars: LbVars;
  /** Vars owned by other roles (NodePorts, enable_*, api_port, group names). */
  readonly cluster: ClusterVars;
  /** Every host's vars (for ansible_host). */
  readonly hostvars: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly groups: Readonly<Record<string, readonly string[]>>;
}
