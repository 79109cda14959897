/**
 * Vitest globalSetup: after the run, remove the cluster the test files shared (owned by this
 * vitest process, see lib/lab/cluster/shared.ts) and every cluster whose owner process is gone
 * (a test worker killed with SIGKILL cannot run its exit hooks).
 */
import { removeSharedClusters } from '../../lib/lab/cluster/shared.ts';
import { cleanupStaleClusters } from '../../lib/lab/cluster/state.ts';

export default function setup(): () => void {
  return () => {
    const removed = [...removeSharedClusters(process.pid), ...cleanupStaleClusters()];
    if (removed.length) console.warn(`cluster: removed ${removed.length} cluster(s) of this run or of crashed test processes: ${removed.join(', ')}`);
  };
}
