/**
 * `npm run schemas -- --write` regenerates lib/objects/bundle/schemas.json.gz (the offline
 * validator's schemas) from ../shared/k8s-openapi and the pinned charts' CRDs (sources in
 * lib/objects/bundle/sources.ts); `--check` exits 1 when the shipped bundle is out of date.
 * Developers' machines only: ../shared is not part of the repo.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, InputError } from '../errors.ts';
import { buildBundle, encodeBundle } from '../objects/bundle/build.ts';
import { BUNDLE_FILE, decodeBundle } from '../objects/bundle/index.ts';
import { readBundleInputs } from '../objects/bundle/read-sources.ts';
import { parseCli, reportError, runIfMain, type CliIO } from './args.ts';

const OPTIONS = { write: { type: 'boolean' }, check: { type: 'boolean' }, shared: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

const USAGE = `usage: npm run schemas -- --write [--shared DIR]   regenerate lib/objects/bundle/schemas.json.gz
       npm run schemas -- --check [--shared DIR]   exit 1 when it is out of date
DIR defaults to $CAPSTAN_SHARED_DIR, else ../shared beside the project.
`;

export function sharedDir(io: CliIO, flag?: string): string {
  const dir = flag ?? io.env['CAPSTAN_SHARED_DIR'] ?? resolve(io.projectDir, '..', 'shared');
  if (!existsSync(resolve(dir, 'k8s-openapi'))) {
    throw new InputError([{ file: dir, key: 'k8s-openapi', message: 'not found; pass --shared with the folder holding k8s-openapi/ and charts/' }]);
  }
  return dir;
}

export async function schemasMain(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const { values: v } = parseCli(argv, OPTIONS);
    if (v.help || (!v.write && !v.check)) { io.stdout.write(USAGE); return ExitCode.ok; }
    const fresh = buildBundle(readBundleInputs(sharedDir(io, v.shared)));
    const path = fileURLToPath(BUNDLE_FILE);
    const same = existsSync(path) && JSON.stringify(decodeBundle(readFileSync(path))) === JSON.stringify(fresh);
    if (same) { io.stdout.write('schema bundle is up to date\n'); return ExitCode.ok; }
    if (!v.write) { io.stdout.write('schema bundle out of date (run npm run schemas -- --write)\n'); return ExitCode.internal; }
    writeFileSync(`${path}.tmp`, encodeBundle(fresh));
    renameSync(`${path}.tmp`, path);
    io.stdout.write(`wrote ${path} (${Object.keys(fresh.kinds).length} kinds)\n`);
    return ExitCode.ok;
  } catch (err) {
    return reportError(err, io);
  }
}

await runIfMain(import.meta.url, schemasMain);
