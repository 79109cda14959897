/**
 * Where helm runs: on the controller (child_process with an argument array, no shell) or on the
 * k3s server node over SSH (the transport, with the command built by `sh`, so every argument is
 * quoted). Both give the same small interface; the Helm major is detected once per executor.
 */
import { spawn } from 'node:child_process';
import { HelmError } from '../errors.ts';
import { mask } from '../secrets.ts';
import { sh } from '../shell.ts';
import type { Transport } from '../transport/types.ts';
import { writePrivateTemp, type TempFile } from '../kube/tempfile.ts';
import { stopSignalOf } from './interrupt.ts';
import { profile } from '../report/profile.ts';

export interface HelmOutput {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended helm, when one did (code is null then). */
  signal?: NodeJS.Signals | null;
}

export interface HelmExec {
  /** "controller" or the node's host name, for messages. */
  readonly where: string;
  run(args: string[], signal?: AbortSignal, onStderr?: (chunk: string) => void): Promise<HelmOutput>;
  /** A private (0600) file where helm can read it, e.g. a values file. */
  tempFile(name: string, content: string): Promise<TempFile>;
  /** The Helm major (3 or 4), detected on first use. */
  major(): Promise<3 | 4>;
}

export function parseHelmMajor(version: string): 3 | 4 {
  const m = /^v?(\d+)\./.exec(version.trim());
  const major = Number(m?.[1]);
  if (major === 3 || major === 4) return major;
  throw new HelmError(`unsupported helm version ${JSON.stringify(version.trim())}: capstan supports helm 3 and helm 4`);
}

function withMajor(run: HelmExec['run'], binary: string): () => Promise<3 | 4> {
  let major: Promise<3 | 4> | undefined;
  return () => (major ??= run(['version', '--template', '{{.Version}}']).then((r) => {
    if (r.code !== 0) throw new HelmError(`${binary} version failed: ${r.stderr.trim() || `exit ${r.code}`}`, { hint: 'set helm_binary to a helm 3 or 4 executable' });
    return parseHelmMajor(r.stdout);
  }));
}

/** helm on the controller, with the process environment (HELM_* included) plus `env` (helm's config copies, lib/helm/credentials.ts). */
export function localHelm(binary: string, kubeconfig: string, context?: string, env: Readonly<Record<string, string>> = {}): HelmExec {
  const ctx = context ? ['--kube-context', context] : [];
  const spawnHelm = (args: string[], signal?: AbortSignal, onStderr?: (chunk: string) => void) => new Promise<HelmOutput>((resolve, reject) => {
    // Its own process group: a terminal's Ctrl-C reaches capstan only, which decides when helm stops (interrupt.ts).
    const child = spawn(binary, [...args, ...(args[0] === 'version' ? [] : ctx)], {
      env: { ...process.env, ...env, KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let backstop: NodeJS.Timeout | undefined;
    const stop = () => {
      const how = stopSignalOf(signal?.reason);
      child.kill(how);
      // SIGTERM lets helm record the failure; one that does not end in 5 s is killed
      if (how !== 'SIGKILL') backstop = setTimeout(() => child.kill('SIGKILL'), 5000);
    };
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      onStderr?.(b.toString());
    });
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT'
      ? new HelmError(`helm not found: ${binary}`, { hint: 'install helm, set helm_binary, or set helm_on_node: true to run it on the server' })
      : e));
    child.on('close', (code, ended) => {
      clearTimeout(backstop);
      signal?.removeEventListener('abort', stop);
      resolve({ code, signal: ended, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
  // each helm process counted for --profile (a no-op run should start none)
  const run: HelmExec['run'] = (args, signal, onStderr) => profile.time('helm process', () => spawnHelm(args, signal, onStderr));
  return {
    where: 'controller',
    run,
    tempFile: async (name, content) => writePrivateTemp(name, content),
    major: withMajor(run, binary),
  };
}

/** helm on the server node: KUBECONFIG is the node's own kubeconfig (k3s.yaml), run with become. */
export function nodeHelm(binary: string, t: Transport, kubeconfig: string): HelmExec {
  const run = async (args: string[], signal?: AbortSignal, onStderr?: (chunk: string) => void): Promise<HelmOutput> => {
    const r = await profile.time('helm process', () => t.run(sh`${binary} ${args}`, { env: { KUBECONFIG: kubeconfig }, become: true, ...(signal ? { signal } : {}), ...(onStderr ? { onStderr } : {}) }));
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    where: t.host,
    run,
    async tempFile(name, content) {
      const made = await t.run(sh`mktemp -d /tmp/capstan-helm.XXXXXX`, { become: true });
      if (made.code !== 0) throw new HelmError(`${t.host}: mktemp failed: ${made.stderr.trim()}`);
      const dir = made.stdout.trim();
      const path = `${dir}/${name}`;
      await t.put(path, content, { mode: 0o600, become: true });
      return { path, remove: async () => void (await t.run(sh`rm -rf ${dir}`, { become: true })) };
    },
    major: withMajor(run, binary),
  };
}

/**
 * helm's error: its `Error:` line (and continuation lines), without the debug log and the Go
 * stack trace that --debug adds; else the last lines of stderr that are not log noise.
 */
export function helmMessage(stderr: string): string {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Error: '));
  if (start >= 0) {
    const rest = lines.slice(start + 1);
    // A Go stack frame is one word with a package path ("helm.sh/helm/v3/pkg/action.(*Upgrade).failRelease"), or tab-indented.
    const end = rest.findIndex((l) => !l.trim() || l.startsWith('\t') || (/^\S+$/.test(l) && l.includes('/')) || l.includes('[debug]'));
    return [lines[start]!, ...(end < 0 ? rest : rest.slice(0, end))].join('\n').trim();
  }
  return lines.filter((l) => l.trim() && !l.includes('[debug]') && !/^(WARNING|[IWE]\d{4} )/.test(l)).slice(-8).join('\n');
}

/** helm's own message for a failed command (masked), as a HelmError. */
export function helmFailure(what: string, r: HelmOutput, where: string): HelmError {
  // a helm ended by a signal says nothing itself: name the signal (capstan sends one only when it stops helm)
  const msg = mask(helmMessage(r.stderr) || (r.code === null && r.signal ? `helm was ended by ${r.signal}, which capstan did not send` : `exit ${r.code}`));
  const hint = /another operation \(install\/upgrade\/rollback\) is in progress/.test(r.stderr)
    ? 'a helm outside this run is working on the release, or one was stopped half-way: once no helm runs, run capstan again; it recovers a stuck release by itself (docs/reliability.md)'
    : undefined;
  return new HelmError(`${what} failed${where === 'controller' ? '' : ` on ${where}`}: ${msg}`, hint ? { hint } : undefined);
}
