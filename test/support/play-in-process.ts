/**
 * `npm run play` in this process (lib/cli/play.ts playMain), its stdout and stderr captured, with
 * KUBECONFIG pointing at a test's cluster: what the real-control-plane role suites run.
 */
import { playMain } from '../../lib/cli/play.ts';
import { PROJECT_DIR } from '../fixtures/istio/inventory-copy.ts';

export interface CapturedPlay { code: number; out: string; err: string }

export async function playInProcess(args: string[], kubeconfig: string): Promise<CapturedPlay> {
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (s: string) => { out += s; return true; } },
    stderr: { write: (s: string) => { err += s; return true; } },
    projectDir: PROJECT_DIR, cwd: PROJECT_DIR, env: { ...process.env, KUBECONFIG: kubeconfig },
  };
  const code = await playMain(args, io);
  return { code, out, err };
}
