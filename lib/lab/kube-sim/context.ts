/**
 * What every part of the simulator shares: the type registry, the object store, the options,
 * and the admission hooks that simulated API-server plugins (Service IP and NodePort allocation,
 * CRD checks) attach.
 */
import type { Registry, ResourceType } from './registry.ts';
import type { ObjectStore } from './store.ts';

/** Runs inside a write, before it is stored; may change obj or throw an ApiError. */
export type AdmissionHook = (ctx: SimContext, t: ResourceType, obj: any, old: any | undefined) => void;

export interface SimContext {
  registry: Registry;
  store: ObjectStore;
  controllerDelayMs: number;
  admission: AdmissionHook[];
  /** Kind/namespace/name keys that the workload controllers never make ready. */
  neverReady: Set<string>;
  /** Timers the simulator owns, cleared on close. */
  timers: Set<NodeJS.Timeout>;
  /** Functions that end open watch streams, called on close. */
  watchStops: Set<() => void>;
  closed: boolean;
}

/**
 * Run fn after the controller delay, unless the simulator closed meanwhile. A controller that
 * throws is reported on stderr rather than crashing the test process that hosts the simulator.
 */
export function later(ctx: SimContext, fn: () => void, delayMs = ctx.controllerDelayMs): void {
  const timer = setTimeout(() => {
    ctx.timers.delete(timer);
    if (ctx.closed) return;
    try {
      fn();
    } catch (e) {
      process.stderr.write(`kube-sim: a simulated controller failed: ${(e as Error).stack ?? String(e)}\n`);
    }
  }, delayMs);
  ctx.timers.add(timer);
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
