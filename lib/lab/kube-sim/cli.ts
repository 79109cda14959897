/**
 * Run the Kubernetes API simulator standalone (for the lab and by hand) until SIGINT/SIGTERM:
 *
 *   npx node test/support/kube-sim/cli.ts --kubeconfig /tmp/kube-sim.yaml [--host 127.0.0.1] [--port 6443] [--delay-ms 50]
 */
import { parseArgs } from 'node:util';
import { startSimulator } from './index.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '50' },
  },
});

if (!values.kubeconfig) {
  console.error('usage: cli.ts --kubeconfig <path> [--host <addr>] [--port <n>] [--delay-ms <n>]');
  process.exit(2);
}

const sim = await startSimulator({ host: values.host, port: Number(values.port), controllerDelayMs: Number(values['delay-ms']) });
await sim.writeKubeconfig(values.kubeconfig);
console.log(`kube-sim (a Kubernetes API simulator, not a cluster) listening on ${sim.url}; kubeconfig: ${values.kubeconfig}`);

const stop = (signal: string): void => {
  console.log(`kube-sim: ${signal}, stopping`);
  sim.close().then(() => process.exit(0), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
