/**
 * Reads the bundle's inputs from ../shared (k8s-openapi and the pinned charts), for the
 * generator (`npm run schemas`) and the test that checks the shipped bundle is up to date.
 * Chart CRD files are Helm templates: lines that are only a `{{ }}` directive are dropped and
 * inline ones replaced, which leaves the CRD itself (its schema is never templated).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { BundleInputs } from './build.ts';
import { CRD_SOURCES, KUBERNETES_VERSION, OPENAPI_DIR, type CrdSource } from './sources.ts';

type Json = Record<string, any>;

/** Helm template text → plain YAML (CRDs only template their labels and annotations). */
export function stripHelm(text: string): string {
  return text.split('\n')
    .filter((l) => !/^\s*\{\{-?[^}]*-?\}\}\s*$/.test(l))
    .map((l) => l.replace(/\{\{-?[^}]*-?\}\}/g, 'templated'))
    .join('\n');
}

function chartFiles(chartDir: string, patterns: readonly string[]): string[] {
  return patterns.flatMap((p) => {
    if (!p.endsWith('*')) return [join(chartDir, p)];
    const dir = join(chartDir, dirname(p));
    return readdirSync(dir).filter((f) => f.startsWith(basename(p).slice(0, -1))).sort().map((f) => join(dir, f));
  });
}

function chartCrds(sharedDir: string, src: CrdSource): BundleInputs['charts'][number] {
  const dir = join(sharedDir, 'charts', src.chart);
  const chart = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as Json;
  const crds = chartFiles(dir, src.files).flatMap((f) =>
    parseAllDocuments(stripHelm(readFileSync(f, 'utf8'))).map((d) => d.toJS() as Json | null).filter((d): d is Json => !!d));
  return { chart: src.chart, version: String(chart['version']), role: src.role, crds };
}

export function readBundleInputs(sharedDir: string): BundleInputs {
  const dir = join(sharedDir, OPENAPI_DIR);
  const openapi = readdirSync(dir).filter((f) => /^apis?__.*_openapi\.json$/.test(f)).sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json);
  return { kubernetes: KUBERNETES_VERSION, openapi, charts: CRD_SOURCES.map((s) => chartCrds(sharedDir, s)) };
}
