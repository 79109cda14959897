// roles/k3s/turn.ts: the servers' line — looks at once, changes one at a time in call order.
import { describe, expect, it } from 'vitest';
import { takeTurn } from '../../../roles/k3s/turn.ts';

/** Resolves after the pending promise callbacks have run (no timer). */
const settle = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

describe('takeTurn', () => {
  it('the first holder is ready at once; each later one when every earlier one is done, in call order', async () => {
    const shared = new Map<string, unknown>();
    const [a, b, c] = [takeTurn(shared, 'q'), takeTurn(shared, 'q'), takeTurn(shared, 'q')];
    const ready: string[] = [];
    void a.ready.then(() => ready.push('a'));
    void b.ready.then(() => ready.push('b'));
    void c.ready.then(() => ready.push('c'));
    await settle();
    expect(ready).toEqual(['a']);
    c.done(); // nothing to change on c: done before its turn
    await settle();
    expect(ready, 'c being done early does not let anyone past a').toEqual(['a']);
    a.done();
    await settle();
    expect(ready).toEqual(['a', 'b']);
    b.done();
    await settle();
    expect(ready).toEqual(['a', 'b', 'c']);
    const d = takeTurn(shared, 'q');
    let dReady = false;
    void d.ready.then(() => { dReady = true; });
    await settle();
    expect(dReady, 'a later holder goes once all before it are done').toBe(true);
  });

  it('a holder done early does not wait, and one that changes waits for the changing one before it', async () => {
    const shared = new Map<string, unknown>();
    const changing = takeTurn(shared, 'q');
    const idle = takeTurn(shared, 'q');
    const next = takeTurn(shared, 'q');
    idle.done();
    let nextReady = false;
    void next.ready.then(() => { nextReady = true; });
    await settle();
    expect(nextReady).toBe(false);
    changing.done();
    await settle();
    expect(nextReady).toBe(true);
    await expect(takeTurn(new Map(), 'other').ready).resolves.toBeUndefined();
  });
});
