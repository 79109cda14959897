// The fan-out benchmark's playbook: the 10-task role on every lab host.
import { play, playbook } from '../../lib/playbook.ts';

export default playbook('ssh-fanout', [play('fan-out provisioning', 'lab', ['fanout'])]);
