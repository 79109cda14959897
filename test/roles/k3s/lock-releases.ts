/**
 * How many run-lock releases a run over `hosts` lab hosts makes (for counting its remote
 * commands): one per host, except that the test setup (test/support/lock-path-setup.ts) puts the
 * lock in one file under /tmp, which every lab host sees, so the run takes it once, shares it
 * (lib/lock/host.ts: hosts of one run on one machine) and lets it go once.
 */
import { LOCK_PATH_ENV } from '../../../lib/lock/vars.ts';

export function lockReleases(hosts: number): number {
  return process.env[LOCK_PATH_ENV]?.startsWith('/tmp/') ? 1 : hosts;
}
