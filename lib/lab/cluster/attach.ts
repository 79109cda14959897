/**
 * A handle on a cluster started by another process (a persistent `npm run cluster -- up`, or
 * the one vitest's global set-up shares among test files): same Cluster interface, but down()
 * only detaches; the owner removes it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterApi } from './api.ts';
import { pkiFiles } from './certs.ts';
import { readWrites } from './audit.ts';
import { ranges } from './flags.ts';
import { residentMiB } from './processes.ts';
import { addNeverReady, setNeverReady } from './stages.ts';
import { readState, CLUSTER_ROOT, isAlive } from './state.ts';
import type { Cluster } from './types.ts';

export function attachCluster(idOrDir: string): Cluster {
  const dir = idOrDir.includes('/') ? idOrDir : join(CLUSTER_ROOT, idOrDir);
  const s = readState(dir);
  if (!s || !s.apiPort) throw new Error(`cluster: no cluster at ${dir} (see \`npm run cluster -- status\`)`);
  const dead = s.processes.filter((p) => !isAlive(p.pid)).map((p) => p.name);
  if (dead.length > 0) throw new Error(`cluster ${s.id}: ${dead.join(', ')} not running; \`npm run cluster -- down ${s.id}\` and start a new one`);
  const pki = pkiFiles(join(dir, 'pki'));
  const server = `https://127.0.0.1:${s.apiPort}`;
  const api = new ClusterApi({ server, ca: pki.ca, ...pki.client('admin') });
  const gw = s.hosts.find((h) => h !== '127.0.0.1');
  if (!existsSync(join(dir, 'capstan.kubeconfig'))) throw new Error(`cluster ${s.id}: no capstan.kubeconfig in ${dir}`);
  return {
    id: s.id, dir, server, labServer: gw ? `https://${gw}:${s.apiPort}` : undefined,
    kubeconfig: join(dir, 'capstan.kubeconfig'), adminKubeconfig: join(dir, 'admin.kubeconfig'), caFile: pki.ca, pki,
    ranges: ranges(s.n, gw), auditLog: join(dir, 'audit.log'), api, startupSeconds: 0,
    memoryMiB: () => residentMiB(s),
    auditWrites: (user) => readWrites(api, join(dir, 'audit.log'), user),
    neverReady: (kind, namespace, name) => addNeverReady(api, `${namespace}/${kind}/${name}`),
    clearNeverReady: () => setNeverReady(api, []),
    async down() {},
  };
}
