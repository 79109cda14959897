/**
 * The in-memory object store: objects by resource (group/plural) and namespace/name, one global
 * resourceVersion counter, a bounded event history for watch resumption, and per-resource
 * listeners so a write fans out only to the watches of its own resource.
 */
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  /** group/plural */
  key: string;
  object: any;
  rv: number;
}

type Listener = (e: StoreEvent) => void;

const historyLimit = 20_000;

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export class ObjectStore {
  rv = 1;
  private readonly data = new Map<string, Map<string, any>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly allListeners = new Set<Listener>();

  /** The live object (not a copy: callers that mutate must clone). */
  get(key: string, namespace: string | undefined, name: string): any {
    return this.data.get(key)?.get(objectKey(namespace, name));
  }

  /** Live objects of a resource, optionally in one namespace, sorted by namespace/name. */
  list(key: string, namespace?: string): any[] {
    const bucket = this.data.get(key);
    if (!bucket) return [];
    const out: any[] = [];
    for (const [k, obj] of bucket) if (namespace === undefined || k.startsWith(`${namespace}/`)) out.push(obj);
    return out.sort((a, b) => (objectKey(a.metadata.namespace, a.metadata.name) < objectKey(b.metadata.namespace, b.metadata.name) ? -1 : 1));
  }

  /** Every resource key that holds objects. */
  keys(): string[] {
    return [...this.data.keys()];
  }

  /** Store an object under a new resourceVersion and emit ADDED or MODIFIED. */
  put(key: string, obj: any): any {
    const bucket = this.data.get(key) ?? new Map<string, any>();
    this.data.set(key, bucket);
    const k = objectKey(obj.metadata.namespace, obj.metadata.name);
    const type: EventType = bucket.has(k) ? 'MODIFIED' : 'ADDED';
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    bucket.set(k, obj);
    this.emit({ type, key, object: obj, rv });
    return obj;
  }

  /** Remove an object and emit DELETED carrying a fresh resourceVersion. */
  remove(key: string, namespace: string | undefined, name: string): any {
    const bucket = this.data.get(key);
    const obj = bucket?.get(objectKey(namespace, name));
    if (!obj) return undefined;
    bucket!.delete(objectKey(namespace, name));
    const rv = ++this.rv;
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    this.emit({ type: 'DELETED', key, object: gone, rv });
    return gone;
  }

  /** Events of one resource after rv, or undefined when the history no longer reaches back that far. */
  eventsSince(key: string, rv: number): StoreEvent[] | undefined {
    const first = this.history[0];
    if (first && rv < first.rv - 1 && this.history.length >= historyLimit) return undefined;
    return this.history.filter((e) => e.key === key && e.rv > rv);
  }

  subscribe(key: string, fn: Listener): () => void {
    const set = this.listeners.get(key) ?? new Set<Listener>();
    this.listeners.set(key, set);
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Listen to every event (controllers). */
  subscribeAll(fn: Listener): () => void {
    this.allListeners.add(fn);
    return () => this.allListeners.delete(fn);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > historyLimit) this.history.splice(0, this.history.length - historyLimit);
    for (const fn of this.listeners.get(e.key) ?? []) fn(e);
    for (const fn of this.allListeners) fn(e);
  }
}
