/**
 * One cluster shared by the test files of a vitest run (unit-level kube tests: no charts, no
 * cluster-wide objects of their own). Test files run in worker processes of one vitest process;
 * the first worker that asks starts the cluster with that parent as its owner, the others attach
 * to it. The run's global teardown removes it (removeSharedClusters); if vitest dies, its dead
 * owner PID makes it stale for the next start or `npm run cluster -- down`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachCluster } from './attach.ts';
import { startCluster, type Cluster } from './index.ts';
import { CLUSTER_ROOT, listClusters, readState, saveState, teardownState } from './state.ts';

function sharedFile(owner: number): string {
  return join(CLUSTER_ROOT, `shared-${owner}`);
}

async function waitForShared(file: string, lock: string): Promise<string> {
  const deadline = Date.now() + 180_000;
  while (!existsSync(file)) {
    if (!existsSync(lock)) throw new Error('cluster: the worker starting the shared cluster failed (see its error)');
    if (Date.now() > deadline) throw new Error(`cluster: the shared cluster did not start within 180s (${file})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return readFileSync(file, 'utf8').trim();
}

/** The shared cluster of the parent process (a vitest run), started by the first caller. */
export async function sharedCluster(owner = process.ppid): Promise<Cluster> {
  mkdirSync(CLUSTER_ROOT, { recursive: true, mode: 0o700 });
  const file = sharedFile(owner);
  const lock = `${file}.starting`;
  if (existsSync(file)) return attachCluster(readFileSync(file, 'utf8').trim());
  try {
    mkdirSync(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return attachCluster(await waitForShared(file, lock));
  }
  try {
    // Owned by the parent from the start: this worker ending must not take it down.
    const c = await startCluster({ persistent: true });
    const s = readState(c.dir)!;
    saveState({ ...s, persistent: false, ownerPid: owner });
    writeFileSync(file, `${c.id}\n`);
    return attachCluster(c.id);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Remove the clusters owned by `owner` (the vitest process, in its global teardown). */
export function removeSharedClusters(owner = process.pid): string[] {
  const removed: string[] = [];
  for (const s of listClusters()) {
    if (s.ownerPid !== owner || s.persistent) continue;
    teardownState(s);
    removed.push(s.id);
  }
  rmSync(sharedFile(owner), { force: true });
  return removed;
}
