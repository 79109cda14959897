/**
 * Transient API faults (429, 5xx, connection resets) are retried with backoff, a bounded number
 * of times (p-retry); anything else (4xx: invalid object, conflict, forbidden) fails at once.
 */
import pRetry, { AbortError } from 'p-retry';

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A real API server answers a server-side apply whose body does not fit the kind's schema (a
 * string for an integer) with HTTP 500 "failed to create typed patch object (...)": the object
 * is wrong, not the server, so retrying cannot help.
 */
export function isInvalidApplyBody(err: unknown): boolean {
  const body = (err as { body?: unknown } | undefined)?.body;
  const message = typeof body === 'string' ? body : (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && /failed to create typed (patch )?object/.test(message);
}

/** True for errors worth retrying: 429, 5xx (but an invalid apply body), or a dropped/refused connection. */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown; cause?: unknown } | undefined;
  const status = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) return status === 429 || (status >= 500 && !isInvalidApplyBody(err));
  for (let c: unknown = err, depth = 0; c && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  }
  return err instanceof TypeError && /fetch failed|terminated|socket/i.test(err.message);
}

export interface RetryOptions {
  /** Retries after the first attempt (default 6). */
  retries?: number;
  /** First backoff in ms (default 200; doubles up to 3 s). */
  minTimeoutMs?: number;
  onRetry?: (message: string) => void;
  /** How to show an error in the retry message (default: its message). */
  describe?: (err: unknown) => string;
}

export function withRetry<T>(what: string, fn: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  return pRetry(async () => {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err)) throw new AbortError(err as Error);
      throw err;
    }
  }, {
    retries: o.retries ?? 6,
    minTimeout: o.minTimeoutMs ?? 200,
    maxTimeout: 3000,
    factor: 2,
    randomize: true,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0) o.onRetry?.(`${what}: ${o.describe?.(error) ?? error.message} (attempt ${attemptNumber}, retrying)`);
    },
  });
}
