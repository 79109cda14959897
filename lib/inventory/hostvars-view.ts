/**
 * `hostvars` as templates see it: `hostvars['h']` a read-only view of host h's vars, each read
 * rendered on access (resolve.ts gives the lookups). Views, not copies: 10,000 hosts' vars are
 * never all rendered because one template named one of them.
 */
export interface HostvarsSource {
  readonly hosts: readonly string[];
  isHost(host: string): boolean;
  view(host: string): Record<string, unknown>;
}

export interface VarsSource {
  lookup(name: string): unknown;
  has(name: string): boolean;
  names(): readonly string[];
}

/** `hostvars`: every host of the inventory, each resolved when first read. */
export function hostvarsView(source: HostvarsSource): Record<string, unknown> {
  return new Proxy({}, {
    get: (_t, host) => (typeof host === 'string' ? source.view(host) : undefined),
    has: (_t, host) => typeof host === 'string' && source.isHost(host),
    ownKeys: () => [...source.hosts],
    getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
  });
}

/** `hostvars['h']`: one host's vars. */
export function varsView(source: VarsSource): Record<string, unknown> {
  return new Proxy({}, {
    get: (_t, name) => (typeof name === 'string' ? source.lookup(name) : undefined),
    has: (_t, name) => typeof name === 'string' && source.has(name),
    ownKeys: () => [...source.names()],
    getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
  });
}
