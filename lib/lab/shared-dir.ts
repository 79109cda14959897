/**
 * Where the shared reference material lives (charts, OpenAPI specs, the AS3 schema): `../shared`
 * beside the project, as on the developers' machines and in CI, or CAPSTAN_SHARED_DIR.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const SHARED_DIR = process.env.CAPSTAN_SHARED_DIR ?? resolve(projectDir, '..', 'shared');
/** The real upstream charts (provenance in SOURCES.md there). */
export const SHARED_CHARTS = resolve(SHARED_DIR, 'charts');
