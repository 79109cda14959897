/**
 * Waits through the Kubernetes API (no fixed sleeps): k3s.yaml appearing on the first server
 * (bounded retries), and a node being Ready with the wanted kubelet version (a watch, bounded).
 */
import pRetry from 'p-retry';
import { HealthTimeoutError } from '../../lib/errors.ts';
import type { TaskContext } from '../../lib/role.ts';
import type { Transport } from '../../lib/transport/types.ts';
import { KUBECONFIG_PATH } from './config.ts';

/** k3s writes k3s.yaml while its API starts: read it, retrying (bounded) until it is there. */
export async function fetchK3sYaml(t: Transport, timeoutSeconds: number, log: (m: string) => void): Promise<string> {
  const started = Date.now();
  return pRetry(async () => {
    const b = await t.get(KUBECONFIG_PATH, { become: true });
    if (b && b.length > 0) return b.toString('utf8');
    log(`waiting for ${KUBECONFIG_PATH} on ${t.host}, ${Math.round((Date.now() - started) / 1000)}s`);
    throw new Error(`${KUBECONFIG_PATH} not written yet`);
  }, { retries: 30, minTimeout: 200, maxTimeout: 2000, maxRetryTime: timeoutSeconds * 1000 }).catch((e: Error) => {
    throw new HealthTimeoutError(`${KUBECONFIG_PATH} on ${t.host}`, Math.round((Date.now() - started) / 1000), e.message);
  });
}

/** Node Ready (watch) and running the wanted version (k3s updates nodeInfo as it starts: bounded retries). */
export async function waitNodeReady(ctx: TaskContext, nodeName: string, version: string, timeoutSeconds: number): Promise<void> {
  const cluster = await ctx.cluster();
  const log = (m: string) => ctx.log.progress(m);
  const started = Date.now();
  let running: string | undefined;
  await pRetry(async () => {
    const left = Math.max(1, timeoutSeconds - Math.round((Date.now() - started) / 1000));
    await cluster.wait.nodesReady([nodeName], { timeoutSeconds: left, log, signal: ctx.signal });
    const node = await cluster.get('v1', 'Node', nodeName);
    running = (node?.['status'] as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion;
    if (running !== undefined && running !== version) {
      log(`node ${nodeName} is Ready but reports ${running}; waiting for ${version}`);
      throw new Error('old version');
    }
  }, {
    retries: 20, minTimeout: 200, maxTimeout: 3000, maxRetryTime: timeoutSeconds * 1000,
    shouldRetry: ({ error }) => error.message === 'old version',
  }).catch((e: unknown) => {
    if (e instanceof Error && e.message === 'old version') {
      throw new HealthTimeoutError(`node ${nodeName}`, Math.round((Date.now() - started) / 1000), `Ready, but its kubelet reports ${running}, not ${version}`, [], {
        hint: `check the k3s service on ${ctx.host.name} (systemctl status k3s)`,
      });
    }
    throw e;
  });
}
