// Upgrade k3s in place: `npm run play -- --inventory homelab --playbook upgrade -e k3s_version=v1.32.3+k3s1`.
// The first server, then the other servers one at a time, then the agents; each waits for Ready
// on the new version (k3s_upgrade_drain: true drains each node first).
import { play, playbook } from '../lib/playbook.ts';

export default playbook('upgrade', [
  play('k3s upgrade', 'k3s_cluster', ['k3s/upgrade']),
]);
