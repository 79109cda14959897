/**
 * Helpers the simulated controllers share: writing objects and status directly to the store
 * (controllers bypass admission and validation, as kube-controller-manager's writes would pass
 * them), Events, per-object debounced reconciles, and stable hashes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { later, now, type SimContext } from '../context.ts';
import { stableJson } from '../fieldset.ts';
import type { ResourceType } from '../registry.ts';
import { clone } from '../store.ts';

export function typeOf(ctx: SimContext, apiVersion: string, kind: string): ResourceType {
  const t = ctx.registry.byKind(apiVersion, kind);
  if (!t) throw new Error(`kube-sim: no type ${apiVersion} ${kind}`);
  return t;
}

export function keyOf(ctx: SimContext, apiVersion: string, kind: string): string {
  return ctx.registry.storeKey(typeOf(ctx, apiVersion, kind));
}

/** Create an object as a controller would (no admission, no validation). */
export function internalCreate(ctx: SimContext, apiVersion: string, kind: string, obj: any): any {
  const t = typeOf(ctx, apiVersion, kind);
  const full = { apiVersion, kind, ...clone(obj) };
  full.metadata = { ...full.metadata, uid: randomUUID(), creationTimestamp: now() };
  if (full.spec !== undefined && t.kind !== 'Pod') full.metadata.generation = 1;
  return ctx.store.put(ctx.registry.storeKey(t), full);
}

/** Replace part of a stored object (status, spec, metadata) if it changed; returns the stored object. */
export function internalUpdate(ctx: SimContext, key: string, current: any, change: (obj: any) => void): any {
  const next = clone(current);
  change(next);
  if (stableJson(next) === stableJson(current)) return current;
  return ctx.store.put(key, next);
}

export function internalDelete(ctx: SimContext, key: string, obj: any): void {
  ctx.store.remove(key, obj.metadata.namespace, obj.metadata.name);
}

export function ownerRef(obj: any): Record<string, unknown> {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, uid: obj.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export function ownedBy(obj: any, owner: any): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r: any) => r.uid === owner.metadata.uid && r.controller);
}

export function shortHash(value: unknown, length = 10): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(stableJson(value)).digest();
  return Array.from(digest.subarray(0, length), (b) => alphabet[b % alphabet.length]).join('');
}

export function randomSuffix(): string {
  return shortHash(randomUUID(), 5);
}

/** Record an Event about an object, as controllers do (kubectl describe and waits show them). */
export function recordEvent(ctx: SimContext, about: any, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
  const namespace = about.metadata.namespace ?? 'default';
  if (!ctx.store.get('/namespaces', undefined, namespace)) return;
  const time = now();
  internalCreate(ctx, 'v1', 'Event', {
    metadata: { name: `${about.metadata.name}.${shortHash([about.metadata.uid, reason, message, Date.now(), randomUUID()], 16)}`, namespace },
    involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, namespace: about.metadata.namespace, uid: about.metadata.uid, resourceVersion: about.metadata.resourceVersion },
    reason, message, type, count: 1, firstTimestamp: time, lastTimestamp: time, source: { component }, reportingComponent: component,
  });
}

/** Debounced reconciles: one pending run per key. */
export class Queue {
  private readonly pending = new Set<string>();
  private readonly ctx: SimContext;
  private readonly run: (key: string) => void;

  constructor(ctx: SimContext, run: (key: string) => void) {
    this.ctx = ctx;
    this.run = run;
  }

  add(key: string, delayMs = 0): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    later(this.ctx, () => {
      this.pending.delete(key);
      this.run(key);
    }, delayMs);
  }
}

export function condition(type: string, status: 'True' | 'False', reason: string, message: string): Record<string, string> {
  const time = now();
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

/** New conditions, keeping the old timestamps of those whose status and reason did not change. */
export function withConditionTimes(old: any[] | undefined, next: Array<Record<string, string>>): Array<Record<string, string>> {
  return next.map((c) => {
    const prev = (old ?? []).find((o) => o.type === c.type);
    return prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message
      ? { ...c, lastUpdateTime: prev.lastUpdateTime ?? c.lastUpdateTime, lastTransitionTime: prev.lastTransitionTime ?? c.lastTransitionTime }
      : c;
  }).map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Record<string, string>);
}
