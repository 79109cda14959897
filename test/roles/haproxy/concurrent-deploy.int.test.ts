// Two haproxy runs at once on one lab load balancer (real SSH, real haproxy): the host lock makes
// the second wait (saying who holds it) or, with capstan_lock_timeout 0, refuse; their temp files
// never collide; every config seen on disk during both runs passes `haproxy -c`.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import { PROJECT_DIR } from '../../fixtures/lb/inventory.ts';
import { useLab } from '../../support/lab-vitest.ts';

const LB = 'lbc2';
const DIR = '/opt/haproxy';
const CFG = `${DIR}/haproxy.cfg`;
const PID = `${DIR}/haproxy.pid`;
const lab = useLab({ hosts: 2, name: 'lb-lock', hostNamePrefix: 'lbc', groups: { server: ['lbc1'], loadbalancers: [LB] } });
const PLAYBOOK = join(PROJECT_DIR, 'test/fixtures/lb/lb-playbook.ts');

const vars = {
  haproxy_config_path: CFG, haproxy_stats_socket: `${DIR}/admin.sock`, haproxy_chroot: '', haproxy_log_target: '127.0.0.1:514 local0',
  // a reload that takes a moment widens the window in which the other run must wait
  haproxy_reload_command: ['sh', '-c', `sleep 1; haproxy -D -f ${CFG} -p ${PID} -sf $(cat ${PID} 2>/dev/null)`],
  // the real default path, on the lab host's private /run/lock (test workers otherwise get their
  // own path through CAPSTAN_LOCK_PATH, test/support/lock-path-setup.ts)
  capstan_lock_path: '/run/lock/capstan.lock',
};

interface Run { code: number; text: string }

function play(extra: Record<string, unknown>, onText?: (text: string) => void): Promise<Run> {
  let text = '';
  const sink = { write: (s: string) => { text += s; onText?.(text); return true; } };
  return playMain(['--inventory', lab().inventoryDir, '--playbook', PLAYBOOK, '--tags', 'haproxy', '-e', JSON.stringify({ ...vars, ...extra })],
    { stdout: sink, stderr: sink, projectDir: PROJECT_DIR, cwd: PROJECT_DIR, env: process.env }).then((code) => ({ code, text }));
}

const onLb = async (...argv: string[]) => (await lab().exec(LB, argv)).stdout;

/** Reads the live config until `until` settles; returns every distinct content seen. */
async function sample(until: Promise<unknown>): Promise<string[]> {
  const seen = new Set<string>();
  let done = false;
  void until.finally(() => { done = true; });
  for (let i = 0; i < 2000 && !done; i++) {
    const r = await lab().exec(LB, ['sh', '-c', `cat ${CFG} 2>/dev/null || true`]);
    if (r.stdout) seen.add(r.stdout);
  }
  return [...seen];
}

async function validates(config: string): Promise<boolean> {
  await lab().exec(LB, ['sh', '-c', `cat > ${DIR}/sample.cfg`], { stdin: config });
  return (await lab().exec(LB, ['haproxy', '-c', '-f', `${DIR}/sample.cfg`], { allowFail: true })).code === 0;
}

/** Starts run A, then run B once A is in its deploy task. */
async function both(a: Record<string, unknown>, b: Record<string, unknown>): Promise<[Run, Run, string[]]> {
  let startB!: () => void;
  const bStarts = new Promise<void>((r) => { startB = r; });
  const runA = play(a, (t) => { if (t.includes('TASK [haproxy : deploy haproxy.cfg]')) startB(); });
  void runA.finally(startB);
  const runB = bStarts.then(() => play(b));
  const all = Promise.all([runA, runB]);
  const seen = await sample(all);
  const [ra, rb] = await all;
  return [ra, rb, seen];
}

beforeAll(async () => {
  await onLb('mkdir', '-p', DIR);
});
afterAll(async () => {
  await lab().exec(LB, ['sh', '-c', `test -f ${PID} && kill $(cat ${PID}) || true`], { allowFail: true });
});

describe('two haproxy runs at once on one load balancer', () => {
  it('the second waits for the first (saying who holds the lock), then deploys; every config on disk validates', async () => {
    const [a, b, seen] = await both({ lb_balance: 'roundrobin' }, { lb_balance: 'leastconn' });
    expect(a.code, a.text).toBe(0);
    expect(b.code, b.text).toBe(0);
    const waited = [a, b].filter((r) => /lbc2: \/run\/lock\/capstan.lock is held by run \S+ of \S+ \(pid \d+ on lbc2, started [^)]+\); waiting up to 120s/.test(r.text));
    expect(waited).toHaveLength(1);
    // the run that waited deployed last: its config is live
    const last = waited[0] === a ? 'roundrobin' : 'leastconn';
    expect(await onLb('cat', CFG)).toContain(`balance ${last}`);
    expect(seen.length).toBeGreaterThan(0);
    for (const config of seen) expect(await validates(config)).toBe(true);
    expect(await onLb('ls', DIR)).not.toContain('capstan-new');
    expect(await onLb('cat', '/run/lock/capstan.lock')).toBe('');
  }, 90_000);

  it('with capstan_lock_timeout 0 the second refuses at once, naming the holder, and changes nothing', async () => {
    const live = await onLb('cat', CFG);
    const [was, next] = live.includes('balance leastconn') ? ['leastconn', 'roundrobin'] : ['roundrobin', 'leastconn'];
    const [a, b, seen] = await both({ lb_balance: next, haproxy_backup: false }, { lb_balance: was, capstan_lock_timeout: 0 });
    expect(a.code, a.text).toBe(0);
    expect(b.code, b.text).toBe(2);
    expect(b.text).toMatch(/lbc2: \/run\/lock\/capstan.lock is held by run \S+ of \S+ \(pid \d+ on lbc2, started [^)]+\); nothing was changed on this host/);
    expect(await onLb('cat', CFG)).toContain(`balance ${next}`);
    for (const config of seen) expect(await validates(config)).toBe(true);
    expect(seen.at(-1)).toContain(`balance ${next}`);
  }, 90_000);
});
