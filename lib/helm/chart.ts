/**
 * Chart sources: what to pass helm (repo + name + pinned version with --repo, an OCI reference,
 * or a local directory/.tgz), and the chart name and version that would be deployed, read
 * without running helm (Chart.yaml of a directory, or inside a .tgz), so a no-op run starts no
 * helm process. With helm_chart_dir, charts come from that directory instead of their repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { HelmError } from '../errors.ts';
import type { ChartSource } from '../kube/types.ts';

export interface ChartId {
  name: string;
  version: string;
}

export interface ResolvedChart {
  id: ChartId;
  /** Chart arguments for helm upgrade/template: `[ref, '--repo', url, '--version', v]` etc. */
  args: string[];
  /** "metallb 0.16.1 from https://…", "istiod 1.30.3 from /charts/istiod". */
  from: string;
}

/** Chart.yaml of a .tgz chart archive (gzip + tar), read in memory. */
function chartYamlFromTgz(file: string): string {
  const tar = gunzipSync(readFileSync(file));
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    const name = Buffer.from(header.subarray(0, 100)).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(Buffer.from(header.subarray(124, 136)).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    if (/^[^/]+\/Chart\.yaml$/.test(name)) return Buffer.from(tar.subarray(off + 512, off + 512 + size)).toString('utf8');
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new HelmError(`${file}: no Chart.yaml in the chart archive`);
}

/** Name and version of a local chart directory or .tgz. */
export function localChartId(path: string): ChartId {
  if (!existsSync(path)) throw new HelmError(`chart ${path} does not exist`);
  const text = statSync(path).isDirectory() ? readFileSync(join(path, 'Chart.yaml'), 'utf8') : chartYamlFromTgz(path);
  let meta: { name?: unknown; version?: unknown } | null;
  try {
    meta = parse(text) as typeof meta;
  } catch (err) {
    throw new HelmError(`${path}: its Chart.yaml is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { hint: 'fix or remove that chart' });
  }
  if (typeof meta?.name !== 'string' || meta.version === undefined) throw new HelmError(`${path}: Chart.yaml has no name or version`);
  return { name: meta.name, version: String(meta.version) };
}

const chartIds = new Map<string, ChartId>();
const dirEntries = new Map<string, string[]>();

/** A local chart's name and version, read once per path in a run. */
function cachedChartId(path: string): ChartId {
  let id = chartIds.get(path);
  if (!id) { id = localChartId(path); chartIds.set(path, id); }
  return id;
}

/** Every chart (directory or .tgz) directly under `dir`; cached. */
function chartPathsIn(dir: string): string[] {
  let paths = dirEntries.get(dir);
  if (paths) return paths;
  if (!existsSync(dir)) throw new HelmError(`helm_chart_dir ${dir} does not exist`);
  paths = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? existsSync(join(path, 'Chart.yaml')) : entry.name.endsWith('.tgz')) paths.push(path);
  }
  dirEntries.set(dir, paths);
  return paths;
}

/**
 * The order charts are read in when looking for `want`: the file names that usually hold it
 * first (`<name>/`, `<name>-<version>.tgz` as helm pull writes, then any name containing it, like
 * istio-base for `base`), so a run reads one Chart.yaml per release instead of every chart's
 * (and inflates no other .tgz). Which chart is found does not depend on this order: each is
 * matched by its Chart.yaml name and version.
 */
function likelyFirst(paths: readonly string[], want: ChartId): string[] {
  const rank = (p: string) => {
    const n = basename(p);
    if (n === want.name || n === `${want.name}-${want.version}.tgz`) return 0;
    return n.includes(want.name) ? 1 : 2;
  };
  return [...paths].sort((a, b) => rank(a) - rank(b));
}

export function ociChartName(ref: string): string {
  return basename(ref.replace(/^oci:\/\//, '').replace(/[:@].*$/, ''));
}

/** Finds the wanted chart in helm_chart_dir, by Chart.yaml name and version. */
function fromChartDir(dir: string, want: ChartId): ResolvedChart {
  const paths = chartPathsIn(resolve(dir));
  const hit = likelyFirst(paths, want).find((p) => { const id = cachedChartId(p); return id.name === want.name && id.version === want.version; });
  if (hit) return { id: cachedChartId(hit), args: [hit], from: `${want.name} ${want.version} from ${hit}` };
  const others = paths.map((path) => ({ path, id: cachedChartId(path) })).filter((c) => c.id.name === want.name).map((c) => `${c.id.version} (${c.path})`);
  throw new HelmError(`helm_chart_dir ${dir} has no chart ${want.name} ${want.version}` +
    (others.length ? `; it has ${want.name} ${others.join(', ')}` : ''), {
    hint: `put ${want.name}-${want.version}.tgz (helm pull) into ${dir}, or pin the version found there`,
  });
}

export function resolveChart(src: ChartSource, chartDir?: string): ResolvedChart {
  if ('path' in src) {
    const path = resolve(src.path);
    const id = localChartId(path);
    return { id, args: [path], from: `${id.name} ${id.version} from ${path}` };
  }
  const id: ChartId = 'oci' in src ? { name: ociChartName(src.oci), version: src.version } : { name: src.name, version: src.version };
  if (chartDir) return fromChartDir(chartDir, id);
  if ('oci' in src) return { id, args: [src.oci, '--version', src.version], from: `${id.name} ${id.version} from ${src.oci}` };
  return { id, args: [src.name, '--repo', src.repo, '--version', src.version], from: `${id.name} ${id.version} from ${src.repo}` };
}
