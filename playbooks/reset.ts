// Remove k3s from every node and the cluster from the kubeconfig:
// `npm run play -- --inventory homelab --playbook reset` (asks first; -e k3s_reset_confirm=true does not).
import { play, playbook } from '../lib/playbook.ts';

export default playbook('reset', [
  play('k3s reset', 'k3s_cluster', ['k3s/reset']),
]);
