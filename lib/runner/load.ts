/**
 * Loading a playbook (`playbooks/<name>.ts` or a path) and its roles (`roles/<name>/index.ts`,
 * default export). A missing role is an input error naming the play and the role.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CapstanError, InputError } from '../errors.ts';
import type { Problem } from '../errors.ts';
import type { Playbook } from '../playbook.ts';
import type { Role } from '../role.ts';

export interface LoadedPlaybook {
  readonly playbook: Playbook;
  readonly file: string;
}

function playbookFile(nameOrPath: string, projectDir: string): string {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.endsWith('.ts');
  if (looksLikePath) return isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
  return join(projectDir, 'playbooks', `${nameOrPath}.ts`);
}

export async function loadPlaybook(nameOrPath: string, projectDir: string): Promise<LoadedPlaybook> {
  const file = playbookFile(nameOrPath, projectDir);
  const shown = relative(projectDir, file) || file;
  if (!existsSync(file)) {
    throw new InputError([{ file: shown, key: '--playbook', message: `no playbook ${nameOrPath}; give a name under playbooks/ (like site) or a path to a .ts file` }]);
  }
  const mod = (await import(pathToFileURL(file).href)) as { default?: Playbook };
  const pb = mod.default;
  if (!pb || !Array.isArray(pb.plays)) {
    throw new InputError([{ file: shown, key: 'default', message: 'does not default-export a playbook; end it with export default playbook(...)' }]);
  }
  return { playbook: pb, file };
}

function isRole(value: unknown): value is Role {
  const r = value as Role | undefined;
  return !!r && typeof r.name === 'string' && typeof r.tasks === 'function' && typeof r.vars === 'object';
}

/** Import a role module; a module that fails to load (a syntax error) names the role and its file. */
async function importRole(file: string, name: string): Promise<{ default?: unknown }> {
  try {
    return (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new CapstanError(`cannot load role ${name} from ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err, hint: 'fix the role module (npx tsc --noEmit -p . shows type and syntax errors)',
    });
  }
}

/**
 * Where roles are looked up, first match wins: the given dir, then (as Ansible does) roles/
 * next to the playbook and next to its folder, then the project's roles/.
 */
export function roleDirs(playbookFile: string, projectDir: string, rolesDir?: string): string[] {
  const here = dirname(playbookFile);
  return [...new Set([...(rolesDir ? [rolesDir] : []), join(here, 'roles'), join(here, '..', 'roles'), join(projectDir, 'roles')])];
}

/** Load every role the plays name. Dependencies only order roles that are both selected. */
export async function loadRoles(pb: Playbook, dirs: readonly string[]): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  const problems: Problem[] = [];
  const pending = pb.plays.flatMap((p) => p.roles.map((role) => ({ role, by: `play "${p.name}"` })));
  while (pending.length) {
    const { role: name, by } = pending.shift()!;
    if (roles.has(name) || problems.some((p) => p.key === name)) continue;
    const file = dirs.map((d) => join(d, name, 'index.ts')).find((f) => existsSync(f));
    if (!file) {
      const where = dirs.map((d) => relative(process.cwd(), d) || '.').join(', ');
      problems.push({ file: `roles/${name}/index.ts`, key: name, message: `${by} uses role ${name}, but there is no ${name}/index.ts in ${where}; check the role name` });
      continue;
    }
    const mod = await importRole(file, name);
    if (!isRole(mod.default)) {
      problems.push({ file, key: name, message: 'does not default-export a role; end it with export default defineRole({...})' });
      continue;
    }
    roles.set(name, mod.default);
  }
  if (problems.length) throw new InputError(problems, 'cannot load the playbook\'s roles');
  return roles;
}

/**
 * The roles the platform is made of: those of playbooks/site.ts and of this playbook (site's
 * first), so the upgrade and reset playbooks see what the site playbook installs.
 */
export async function loadPlatformRoles(projectDir: string, playbookFile: string, roles: ReadonlyMap<string, Role>, dirs: readonly string[]): Promise<Role[]> {
  const site = join(projectDir, 'playbooks', 'site.ts');
  const siteRoles = existsSync(site) && resolve(site) !== resolve(playbookFile)
    ? await loadRoles((await loadPlaybook(site, projectDir)).playbook, dirs) : new Map<string, Role>();
  return [...new Map([...siteRoles, ...roles]).values()];
}

/** The play's roles in run order: each role after the dependencies that are also in the list. */
export function orderRoles(names: readonly string[], roles: ReadonlyMap<string, Role>): string[] {
  const wanted = new Set(names);
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, chain: string[]): void => {
    if (ordered.includes(name)) return;
    if (visiting.has(name)) {
      throw new InputError([{ file: '', key: name, message: `role dependencies form a cycle: ${[...chain, name].join(' → ')}; remove one dependency` }]);
    }
    visiting.add(name);
    for (const dep of roles.get(name)?.dependencies ?? []) if (wanted.has(dep)) visit(dep, [...chain, name]);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const n of names) visit(n, []);
  return ordered;
}

/** Every role under a roles folder (for docs), sorted by name. */
export async function loadAllRoles(rolesDir: string): Promise<Role[]> {
  const names = readdirSync(rolesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(rolesDir, d.name, 'index.ts'))).map((d) => d.name).sort();
  const roles = await loadRoles({ name: 'all roles', plays: [{ name: 'docs', hosts: 'all', roles: names }] }, [rolesDir]);
  return names.map((n) => roles.get(n)!);
}
