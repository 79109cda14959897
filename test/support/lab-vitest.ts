/**
 * Vitest helper: one lab per test file, started in beforeAll and removed in afterAll.
 *
 *   const lab = useLab({ hosts: 3 });
 *   it('...', async () => { await lab().exec('node1', ['true']); });
 *
 * If the test process dies, the lab's exit/signal hooks remove it; if it is SIGKILLed, the next
 * startLab anywhere removes it (its owner PID is dead).
 */
import { afterAll, beforeAll } from 'vitest';
import { startLab, type Lab, type LabOptions } from '../../lib/lab/lab.ts';

export function useLab(options: LabOptions): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await startLab(options);
  });
  afterAll(async () => {
    await lab?.down();
  });
  return () => {
    if (!lab) throw new Error('useLab: the lab is not started (use it inside tests, after beforeAll)');
    return lab;
  };
}
