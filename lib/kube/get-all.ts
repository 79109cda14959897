/**
 * Reads many objects at once (at most GET_CONCURRENCY requests in flight on the run's connection
 * pool) instead of one after another: what a task that applies or checks a list of objects reads
 * before it decides anything. Answers in the order asked; undefined for an object that is not there.
 */
import pLimit from 'p-limit';
import type { KubeApi, ObjectRef } from './client.ts';
import type { KubeObject } from './types.ts';

/** Bounded so a long list does not open a burst of requests (the API server's fairness queues them anyway). */
export const GET_CONCURRENCY = 8;

export function getAll(api: Pick<KubeApi, 'get'>, refs: readonly ObjectRef[]): Promise<(KubeObject | undefined)[]> {
  const limit = pLimit(GET_CONCURRENCY);
  return Promise.all(refs.map((ref) => limit(() => api.get(ref))));
}

/**
 * The live objects for a loop that applies `objects` in order: read all at once up front, and once
 * the loop has written something, read again (an earlier write in the list may be what a later
 * object's state depends on, e.g. a Namespace before its objects), so each decision sees what one
 * read after another would have seen.
 */
export async function liveReader(api: Pick<KubeApi, 'get'>, objects: readonly ObjectRef[]): Promise<LiveReader> {
  const limit = pLimit(GET_CONCURRENCY);
  // settled, not all-or-nothing: a read that failed fails that object's step only, when the loop gets to it
  const first = await Promise.allSettled(objects.map((ref) => limit(() => api.get(ref))));
  let written = false;
  return {
    live(i) {
      if (written) return api.get(objects[i]!);
      const r = first[i]!;
      return r.status === 'fulfilled' ? Promise.resolve(r.value) : Promise.reject(r.reason as Error);
    },
    wrote: () => { written = true; },
  };
}

export interface LiveReader {
  /** The live state of objects[i]: read up front, or again once something was written. */
  live(i: number): Promise<KubeObject | undefined>;
  /** The loop wrote (or may have written: a write that failed) an object. */
  wrote(): void;
}
