/**
 * The write requests in the Kubernetes API simulator's request log: every POST, PUT, PATCH and
 * DELETE except the run lock's own Lease requests (counted apart, issue 17.1). A no-op rerun of a
 * cluster role must make none.
 */
import { isLockRequest } from '../../lock/lease.ts';
import type { RequestLogEntry } from './index.ts';

export function writeRequests(log: readonly RequestLogEntry[]): string[] {
  return log.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && !isLockRequest(r.path))
    .map((r) => `${r.method} ${r.path}`);
}
