/**
 * Playbooks list plays: a host pattern and the roles to apply to it, as Ansible's site.yml does.
 * Roles are found by name under roles/<name>/index.ts.
 */
export interface Play {
  readonly name: string;
  /** An Ansible host pattern: `group`, `host`, `g[0]`, `a:b`, `a:!b`, `a:&b`. */
  readonly hosts: string;
  readonly roles: readonly string[];
  /** Skip the play, with this reason, when the function returns a string (vars of the play's first host). */
  readonly when?: (vars: Readonly<Record<string, unknown>>) => string | undefined;
}

export interface Playbook {
  readonly name: string;
  readonly plays: readonly Play[];
}

export function play(name: string, hosts: string, roles: readonly string[], options: Pick<Play, 'when'> = {}): Play {
  return { name, hosts, roles, ...options };
}

export function playbook(name: string, plays: readonly Play[]): Playbook {
  return { name, plays };
}
