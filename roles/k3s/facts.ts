/**
 * A node's facts in one round trip: what the k3s role's tasks will read on this host — the
 * prerequisites' facts and their steps' probes, the node files' directories and files (kind,
 * mode, owner, sha256), k3s --version with the install stamp and the service state, the cluster
 * token file and, on the first server, config.yaml and k3s.yaml. The prerequisites task
 * prefetches them all (Transport.prefetch), so on a no-op the role runs no other command there;
 * anything the role writes drops the rest, and later reads go to the host again.
 */
import type { PrefetchRead } from '../../lib/transport/types.ts';
import { CONFIG_PATH, KUBECONFIG_PATH, SERVER_TOKEN_PATH } from './config.ts';
import { BECOME, fileReads, nodeFiles } from './files.ts';
import { nodeFactsCommand } from './node.ts';
import { prerequisiteReads } from './prereqs.ts';
import type { NodeSetup } from './setup.ts';

export function nodeReads(s: NodeSetup): PrefetchRead[] {
  // paths only: which files there are does not depend on the token
  const { files, envFile } = nodeFiles(s, '');
  return [
    ...prerequisiteReads(s.vars),
    ...fileReads([...files, envFile]),
    { cmd: nodeFactsCommand(s.kind), ...BECOME },
    ...(s.kind !== 'agent' ? [{ file: SERVER_TOKEN_PATH, ...BECOME }] : []),
    ...(s.kind === 'first-server' ? [{ file: CONFIG_PATH, ...BECOME }, { file: KUBECONFIG_PATH, ...BECOME }] : []),
  ];
}
