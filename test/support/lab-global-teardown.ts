/**
 * Vitest globalSetup for CI (add `globalSetup: ['test/support/lab-global-teardown.ts']` to
 * vitest.config.ts): after the whole run, remove every lab whose owner process is gone (a test
 * worker killed with SIGKILL cannot run its exit hooks). Labs of live processes and persistent
 * `npm run lab -- up` labs are left alone.
 */
import { cleanupStaleLabs } from '../../lib/lab/lab-state.ts';

export default function setup(): () => void {
  return () => {
    const removed = cleanupStaleLabs();
    if (removed.length) console.warn(`lab: removed ${removed.length} lab(s) left by crashed test processes: ${removed.join(', ')}`);
  };
}
