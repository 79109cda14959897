/**
 * Chart sources: what to pass helm (repo + name + pinned version with --repo, an OCI reference,
 * or a local directory/.tgz), and the chart name and version that would be deployed, read
 * without running helm (Chart.yaml of a directory, or inside a .tgz), so a no-op run starts no
 * helm process. With helm_chart_dir, charts come from that directory instead of their repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'fflate';
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
  const meta = parse(text) as { name?: unknown; version?: unknown } | null;
  if (typeof meta?.name !== 'string' || meta.version === undefined) throw new HelmError(`${path}: Chart.yaml has no name or version`);
  return { name: meta.name, version: String(meta.version) };
}

const dirIndexes = new Map<string, { path: string; id: ChartId }[]>();

/** Every chart (directory or .tgz) directly under `dir`, with its name and version; cached. */
function chartsIn(dir: string): { path: string; id: ChartId }[] {
  let index = dirIndexes.get(dir);
  if (index) return index;
  if (!existsSync(dir)) throw new HelmError(`helm_chart_dir ${dir} does not exist`);
  index = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const isChart = entry.isDirectory() ? existsSync(join(path, 'Chart.yaml')) : entry.name.endsWith('.tgz');
    if (isChart) index.push({ path, id: localChartId(path) });
  }
  dirIndexes.set(dir, index);
  return index;
}

export function ociChartName(ref: string): string {
  return basename(ref.replace(/^oci:\/\//, '').replace(/[:@].*$/, ''));
}

/** Finds the wanted chart in helm_chart_dir, by Chart.yaml name and version. */
function fromChartDir(dir: string, want: ChartId): ResolvedChart {
  const charts = chartsIn(resolve(dir));
  const hit = charts.find((c) => c.id.name === want.name && c.id.version === want.version);
  if (hit) return { id: hit.id, args: [hit.path], from: `${want.name} ${want.version} from ${hit.path}` };
  const others = charts.filter((c) => c.id.name === want.name).map((c) => `${c.id.version} (${c.path})`);
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
