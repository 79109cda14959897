/**
 * A local port forwarded to a pod's port, as `kubectl port-forward` does: a listener on
 * 127.0.0.1 whose every connection becomes one pods/portforward stream through the API server
 * (client.ts's portForward, over the run's cluster access). What fails on a stream (the API
 * server cannot reach the kubelet, nothing listens on the pod's port) goes to onError and is
 * kept in `errors`; close() stops listening and ends the open connections.
 *
 *   const f = await forwardPort(cluster.api, { namespace: 'istio-system', pod: 'kiali-7d9f', port: 20001 }, 0, log.warn);
 *   await fetch(`http://127.0.0.1:${f.port}/kiali/healthz`); await f.close();
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { CapstanError } from '../errors.ts';
import type { KubeApi } from './client.ts';

export interface PodPort { readonly namespace: string; readonly pod: string; readonly port: number }

export interface PodForward {
  /** The local port on 127.0.0.1 (the one asked for, or the kernel's choice for 0). */
  readonly port: number;
  /** Each stream's failure, in order. */
  readonly errors: readonly string[];
  close(): Promise<void>;
}

export async function forwardPort(api: KubeApi, to: PodPort, localPort: number, onError: (message: string) => void = () => {}): Promise<PodForward> {
  const forward = api.portForward;
  if (!forward) throw new CapstanError(`port-forward ${to.namespace}/${to.pod}:${to.port}: this cluster connection cannot port-forward`);
  const errors: string[] = [];
  const report = (m: string) => { errors.push(m); onError(m); };
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    forward.call(api, to.namespace, to.pod, to.port, socket, report).catch((err: unknown) => report((err as Error).message));
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(localPort, '127.0.0.1', () => resolve()); });
  return {
    port: (server.address() as AddressInfo).port, errors,
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
