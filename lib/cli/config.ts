/**
 * ansible.cfg / ANSIBLE_* for a command run: found from the user's directory, HOME and /etc
 * (CAPSTAN_SYSCONFDIR replaces /etc, so tests never read the machine's /etc/ansible), and the
 * one -v note that names the settings capstan does not use.
 */
import { homedir } from 'node:os';
import { loadAnsibleConfig, type AnsibleConfig } from '../config/ansible-cfg.ts';
import type { CliIO } from './args.ts';

export function cliConfig(io: Pick<CliIO, 'env' | 'cwd'>): AnsibleConfig {
  return loadAnsibleConfig({ env: io.env, cwd: io.cwd, home: io.env.HOME || homedir(), etc: io.env.CAPSTAN_SYSCONFDIR || '/etc' });
}

const CALLBACKS = new Set(['default', 'json']);

/** With -v: which config file is used, and each setting that means nothing here (once). */
export function configNotes(config: AnsibleConfig): string[] {
  const notes = config.file ? [`using ${config.file}`] : [];
  const unused = [...config.unused];
  const callback = config.settings.stdoutCallback;
  if (callback && !CALLBACKS.has(callback)) unused.push(`${config.origins.stdoutCallback} = ${callback} (capstan has default and json)`);
  if (unused.length) notes.push(`not used by capstan (ignored): ${unused.join('; ')}`);
  return notes;
}
