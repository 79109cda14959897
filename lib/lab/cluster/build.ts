/**
 * `npm run cluster -- build` (and .ci/setup): compile the real control plane (kube-apiserver,
 * kube-controller-manager, kube-scheduler of k8s.io/kubernetes), etcd and kwok/kwokctl from Go
 * modules into binDir(), one progress line per binary. A binary already built at its pinned
 * version is kept, so a second run takes seconds. Go and the module proxy are needed here only:
 * tests never download; they find these binaries or fail with a one-line fix.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldflags, stagingReplaces, throwAwayGoMod, toolsGo } from './go-module.ts';
import { KWOK_CRD_FILES } from './port-forward.ts';
import { binDir, builtVersion, clusterCacheDir, GROUPS, stampOf, type BinaryGroup } from './versions.ts';

export class BuildError extends Error {
  override name = 'BuildError';
}

interface GoResult { stdout: string; stderr: string }

/** Run `go` (niced: the machine is shared) in dir; throws a BuildError with the stderr tail. */
function go(args: readonly string[], dir: string, what: string): Promise<GoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '10', 'go', ...args], {
      cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', (err) => reject(new BuildError(`cluster build: cannot run go (${err.message}): install Go >= 1.26 and put it on PATH, then re-run \`npm run cluster -- build\``)));
    child.on('close', (code) => {
      if (code === 0) return resolve({ stdout, stderr });
      const tail = stderr.trim().split('\n').slice(-6).join('\n');
      const proxy = /dial tcp|no such host|i\/o timeout|connection refused|proxyconnect|403 Forbidden|404 Not Found/.test(stderr);
      const fix = proxy
        ? `the Go module proxy is not reachable (GOPROXY=${process.env.GOPROXY ?? 'default'}): allow it or point GOPROXY at a mirror, then re-run \`npm run cluster -- build\``
        : 'see the go output above';
      reject(new BuildError(`cluster build: ${what} failed: ${fix}\n${tail}`));
    });
  });
}

/** Check go is there before anything else, with the one-line fix. */
async function goVersion(): Promise<string> {
  const { stdout } = await go(['version'], '/', 'go version');
  return stdout.trim();
}

async function upstreamGoMod(group: BinaryGroup, dir: string): Promise<{ goMod: string; moduleDir: string }> {
  const { stdout } = await go(['mod', 'download', '-json', `${group.module}@${group.version}`], dir, `download ${group.module} ${group.version}`);
  const info = JSON.parse(stdout) as { GoMod: string; Dir: string };
  return { goMod: readFileSync(info.GoMod, 'utf8'), moduleDir: info.Dir };
}

/** Write and tidy the throw-away module of a group; returns the upstream module's source dir. */
async function prepareModule(group: BinaryGroup): Promise<{ dir: string; moduleDir: string }> {
  const dir = join(clusterCacheDir(), 'src', group.id);
  mkdirSync(dir, { recursive: true });
  if (!statSafe(join(dir, 'go.mod'))) writeFileSync(join(dir, 'go.mod'), `module capstan.local/build-${group.id}\n\ngo 1.25.0\n`);
  const { goMod, moduleDir } = await upstreamGoMod(group, dir);
  const replaces = group.module === 'k8s.io/kubernetes' ? stagingReplaces(goMod, group.version) : [];
  writeFileSync(join(dir, 'go.mod'), throwAwayGoMod(group, goMod, replaces));
  if (group.mainGo) copyFileSync(group.mainGo, join(dir, 'main.go'));
  else writeFileSync(join(dir, 'tools.go'), toolsGo(group));
  await go(['mod', 'tidy'], dir, `go mod tidy for ${group.module} ${group.version}`);
  return { dir, moduleDir };
}

function statSafe(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** kwok's own "fast" stages for Nodes and Pods (each file one Stage), copied from its module. */
export const KWOK_STAGE_FILES = [
  'node/fast/node-initialize.yaml', 'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-ready.yaml', 'pod/fast/pod-complete.yaml', 'pod/fast/pod-delete.yaml',
];

const kwokShare = () => join(clusterCacheDir(), 'share', 'kwok');
/** kwok's files in share/: its CRDs (port-forward.ts) and stages. */
const kwokShareFiles = () => [...Object.values(KWOK_CRD_FILES), ...KWOK_STAGE_FILES.map((f) => f.split('/').at(-1)!)];

/** kwok's CRDs (Stage, PortForward, ClusterPortForward) and stages, applied at cluster start as API objects a test can change. */
function copyKwokFiles(moduleDir: string): void {
  mkdirSync(kwokShare(), { recursive: true });
  for (const [name, file] of Object.entries(KWOK_CRD_FILES)) {
    copyFileSync(join(moduleDir, 'kustomize', 'crd', 'bases', `kwok.x-k8s.io_${name.split('.')[0]}.yaml`), join(kwokShare(), file));
  }
  for (const f of KWOK_STAGE_FILES) copyFileSync(join(moduleDir, 'kustomize', 'stage', f), join(kwokShare(), f.split('/').at(-1)!));
}

async function buildGroup(group: BinaryGroup, say: (line: string) => void): Promise<void> {
  const names = Object.keys(group.binaries);
  const missing = names.filter((n) => builtVersion(n) !== stampOf(group));
  if (missing.length === 0 && group.id === 'kwok' && !kwokShareFiles().every((f) => statSafe(join(kwokShare(), f)))) {
    // Built before kwok's port-forward CRDs were copied too: copy its files, no rebuild.
    const dir = join(clusterCacheDir(), 'src', group.id);
    copyKwokFiles((await upstreamGoMod(group, statSafe(dir) ? dir : '/')).moduleDir);
    say(`kwok ${group.version}: CRDs and stages copied into ${kwokShare()}`);
  }
  if (missing.length === 0) {
    for (const n of names) say(`${n} ${group.version}: built already`);
    return;
  }
  const t0 = Date.now();
  say(`${names.join(', ')} ${group.version}: building from ${group.module} (go build, niced) ...`);
  const { dir, moduleDir } = await prepareModule(group);
  const out = join(binDir(), `.build-${group.id}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // One go build for all main packages of a module: they share compile work.
  const single = names.length === 1 ? ['-o', join(out, names[0]!)] : ['-o', `${out}/`];
  await go(['build', '-trimpath', `-ldflags=${ldflags(group)}`, ...single, ...Object.values(group.binaries)], dir, `go build of ${names.join(', ')}`);
  for (const n of names) {
    renameSync(join(out, n), join(binDir(), n));
    writeFileSync(join(binDir(), `${n}.version`), `${stampOf(group)}\n`);
    const mb = (statSync(join(binDir(), n)).size / 2 ** 20).toFixed(0);
    say(`${n} ${group.version}: built in ${((Date.now() - t0) / 1000).toFixed(0)}s (${mb} MB)`);
  }
  rmSync(out, { recursive: true, force: true });
  if (group.id === 'kwok') copyKwokFiles(moduleDir);
}

/** Build every missing binary; resolves with the total seconds. */
export async function buildCluster(say: (line: string) => void = console.log): Promise<number> {
  const t0 = Date.now();
  mkdirSync(binDir(), { recursive: true });
  say(`cluster build: ${await goVersion()}, into ${binDir()}`);
  for (const group of GROUPS) {
    try {
      await buildGroup(group, say);
    } catch (err) {
      if (!group.optional || !(err instanceof BuildError)) throw err;
      say(`${Object.keys(group.binaries).join(', ')} (optional): not built, the tests that run it will say so: ${err.message}`);
    }
  }
  const s = (Date.now() - t0) / 1000;
  say(`cluster build: done in ${s.toFixed(0)}s`);
  return s;
}
