/**
 * `npm run doc -- <role>` prints a role's vars (like ansible-doc); `npm run doc -- --write`
 * regenerates docs/variables.md, inventory/sample/ and the JSON Schemas (docs/inventory-vars.schema.json from the
 * role schemas, docs/events.schema.json from the --json event schema); `--check` exits 1
 * when they are out of date.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, InputError } from '../errors.ts';
import { loadAllRoles } from '../runner/load.ts';
import { closest } from '../vars/suggest.ts';
import { lockDocs, platformDocs, roleDoc, SAMPLE_HOSTS, sampleGroupVars, variablesMarkdown } from '../vars/docs.ts';
import { inventoryVarsJsonSchema } from '../vars/json-schema.ts';
import { eventsJsonSchema } from '../report/event-schema.ts';
import { parseCli, reportError, runIfMain } from './args.ts';
import type { CliIO } from './args.ts';

export const OPTIONS = {
  write: { type: 'boolean' },
  check: { type: 'boolean' },
  list: { type: 'boolean', short: 'l' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DOC_USAGE = `usage: npm run doc -- <role>        the role's vars: name, type, default, description
       npm run doc -- --list       every role with its description
       npm run doc -- --write      regenerate docs/variables.md, inventory/sample/, docs/*.schema.json
       npm run doc -- --check      exit 1 when those files are out of date
`;

/** The generated files, relative to the project: path → content. */
export async function generatedDocs(projectDir: string): Promise<Record<string, string>> {
  // The platform and run-lock vars first: the sample inventory lists each of them there, once.
  const roles = [platformDocs, lockDocs, ...await loadAllRoles(join(projectDir, 'roles'))];
  return {
    'docs/variables.md': variablesMarkdown(roles),
    'inventory/sample/hosts': SAMPLE_HOSTS,
    'inventory/sample/group_vars/all.yml': sampleGroupVars(roles),
    'docs/inventory-vars.schema.json': `${JSON.stringify(inventoryVarsJsonSchema(roles), null, 2)}\n`,
    'docs/events.schema.json': `${JSON.stringify(eventsJsonSchema(), null, 2)}\n`,
  };
}

async function writeOrCheck(io: CliIO, write: boolean): Promise<number> {
  const stale: string[] = [];
  for (const [rel, content] of Object.entries(await generatedDocs(io.projectDir))) {
    const path = join(io.projectDir, rel);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    stale.push(rel);
    if (!write) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, content);
    renameSync(`${path}.tmp`, path);
  }
  io.stdout.write(stale.length === 0 ? 'docs are up to date\n'
    : `${write ? 'wrote' : 'out of date (run npm run doc -- --write)'}: ${stale.join(', ')}\n`);
  return write || stale.length === 0 ? ExitCode.ok : ExitCode.internal;
}

export async function docMain(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const { values: v, positionals } = parseCli(argv, OPTIONS, true);
    if (v.help || (!v.write && !v.check && !v.list && positionals.length === 0)) { io.stdout.write(DOC_USAGE); return ExitCode.ok; }
    if (v.write || v.check) return await writeOrCheck(io, v.write ?? false);
    const roles = await loadAllRoles(join(io.projectDir, 'roles'));
    if (v.list) {
      for (const r of roles) io.stdout.write(`${r.name.padEnd(16)} ${r.description}\n`);
      return ExitCode.ok;
    }
    for (const name of positionals) {
      const role = roles.find((r) => r.name === name);
      if (!role) {
        const near = closest(name, roles.map((r) => r.name));
        throw new InputError([{ file: 'roles/', key: name, message: `no such role${near ? `; did you mean ${near}?` : ''} (roles: ${roles.map((r) => r.name).join(', ')})` }]);
      }
      io.stdout.write(roleDoc(role));
    }
    return ExitCode.ok;
  } catch (err) {
    return reportError(err, io);
  }
}

await runIfMain(import.meta.url, docMain);
