// The terminal prompt (--ask-vault-pass, --ask-become-pass, key passphrases) on a stand-in TTY
// stream: no echo, backspace, Enter, Ctrl-C; none without a terminal; the become password asked
// for ranks below the inventory's ansible_become_password, as in Ansible.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAnsibleConfig } from '../../../lib/config/ansible-cfg.ts';
import { openInventory } from '../../../lib/cli/inventory-source.ts';
import { terminalAsk } from '../../../lib/cli/prompt.ts';
import { mask } from '../../../lib/secrets.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capstan-prompt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ttyStandIn() {
  const input = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(raw: boolean) { this.raw = raw; } });
  let shown = '';
  return { input, output: { write: (s: string) => { shown += s; } }, shown: () => shown };
}

describe('terminalAsk', () => {
  it('reads a line without echoing it, registers it as a secret, and restores the terminal', async () => {
    const t = ttyStandIn();
    const ask = terminalAsk(t.input, t.output)!;
    const answer = ask('Vault password: ');
    t.input.write('hunter22\u007f3\r');
    expect(await answer).toBe('hunter23');
    expect(t.shown()).toBe('Vault password: \n');
    expect(t.input.raw).toBe(false);
    expect(mask('the password is hunter23')).toBe('the password is ********');
  });

  it('rejects on Ctrl-C, and is undefined without a terminal', async () => {
    const t = ttyStandIn();
    const answer = terminalAsk(t.input, t.output)!('BECOME password: ');
    t.input.write('\u0003');
    await expect(answer).rejects.toThrow(/interrupted/);
    expect(terminalAsk(Object.assign(new PassThrough(), { isTTY: false }))).toBeUndefined();
  });
});

describe('--ask-become-pass', () => {
  it('gives ansible_become_password where the inventory sets none', async () => {
    const dir = join(tmp, 'inv');
    mkdirSync(join(dir, 'host_vars'), { recursive: true });
    writeFileSync(join(dir, 'hosts'), '[all]\na\nb\n');
    writeFileSync(join(dir, 'host_vars/b.yml'), 'ansible_become_password: from-inventory\n');
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, projectDir: resolve(import.meta.dirname, '../../..'), cwd: tmp, env: {} };
    const config = loadAnsibleConfig({ env: {}, cwd: tmp, home: tmp, etc: join(tmp, 'etc') });
    const opened = await openInventory({ inventory: './inv', vaultPasswordFile: undefined, askBecomePass: true, config, ask: async () => 'typed-at-prompt' }, io);
    expect(opened.source.resolve('a', {}).get('ansible_become_password')).toBe('typed-at-prompt');
    expect(opened.source.resolve('b', {}).get('ansible_become_password')).toBe('from-inventory');
    await expect(openInventory({ inventory: './inv', vaultPasswordFile: undefined, askBecomePass: true, config }, io)).rejects.toThrow(/no terminal to ask for the become password on/);
  });
});
