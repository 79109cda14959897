/**
 * The play-context variables Ansible defines during a run, as capstan defines them: what a
 * var in an inventory may refer to (`playbook_dir`, `ansible_check_mode`, `omit`...). The runner
 * passes the run's facts (check/diff mode, the playbook's folder); outside a run (`inventory
 * --resolved`) they take what `ansible -m debug` would: not check mode, the current folder.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { OMIT } from './jinja/values.ts';

/** What the runner knows about the run, for the play-context vars. */
export interface PlayVars {
  readonly checkMode?: boolean;
  readonly diffMode?: boolean;
  /** The folder of the playbook being run (Ansible's playbook_dir). */
  readonly playbookDir?: string;
}

/**
 * The ansible-core version whose templating capstan follows (docs/inventory.md, "2.14 and 2.19"):
 * `ansible_version` says 2.19 so `ansible_version.minor >= 15` style checks take the modern branch.
 */
export const ANSIBLE_VERSION = Object.freeze({ string: '2.19.0', full: '2.19.0', major: 2, minor: 19, revision: 0 });

export const PLAY_VAR_NAMES = ['playbook_dir', 'ansible_playbook_python', 'omit', 'ansible_check_mode', 'ansible_diff_mode', 'ansible_version', 'ansible_inventory_sources', 'ansible_config_file'] as const;

let python: string | undefined;

/** Ansible's is the Python running ansible-playbook; capstan's equivalent is the python3 on PATH (what `ansible_python_interpreter: "{{ ansible_playbook_python }}"` for localhost needs). */
function playbookPython(): string {
  python ??= (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'python3')).find((p) => existsSync(p)) ?? '/usr/bin/python3';
  return python;
}

export function playVar(name: string, play: PlayVars | undefined, inventorySources: readonly string[]): unknown {
  switch (name) {
    case 'playbook_dir': return play?.playbookDir ?? process.cwd();
    case 'ansible_playbook_python': return playbookPython();
    case 'omit': return OMIT;
    case 'ansible_check_mode': return play?.checkMode ?? false;
    case 'ansible_diff_mode': return play?.diffMode ?? false;
    case 'ansible_version': return { ...ANSIBLE_VERSION };
    case 'ansible_inventory_sources': return [...inventorySources];
    default: return null; // ansible_config_file: capstan reads no ansible.cfg for templating
  }
}
