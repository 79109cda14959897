// Private chart repositories and OCI registry logins with the real helm 3: a chart repository on
// loopback that wants HTTP basic auth (a STAND-IN for a private repository: node:http serving a
// `helm package`d chart and its index) is reached with credentials from vars (vault) and from
// Helm's own repositories.yaml, never with a password on a command line; without them helm is
// refused. Registry logins from vars land in a private copy of Helm's registry config that keeps
// the user's own logins. HELM_* homes point into a temp dir: nothing touches the real ~/.config/helm.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ResolvedChart } from '../../../lib/helm/chart.ts';
import { helmAuth } from '../../../lib/helm/credentials.ts';
import { localHelm, type HelmExec } from '../../../lib/helm/exec.ts';
import { clearSecretsForTest, mask } from '../../../lib/secrets.ts';
import { helmBinary } from '../../../lib/lab/helm-bin.ts';

const helm = helmBinary(3);
const tmp = mkdtempSync(join(tmpdir(), 'capstan-private-repo-'));
const USER = 'ci-reader';
const PASSWORD = 'repo-pass-7d1f2a';
const saved: Record<string, string | undefined> = {};
const homes = { HELM_CONFIG_HOME: join(tmp, 'config'), HELM_CACHE_HOME: join(tmp, 'cache'), HELM_DATA_HOME: join(tmp, 'data') };
let server: Server;
let url = '';
const seen: { path: string; authorized: boolean }[] = [];

beforeAll(async () => {
  for (const [k, v] of Object.entries(homes)) { saved[k] = process.env[k]; process.env[k] = v; mkdirSync(v, { recursive: true }); }
  const chartDir = join(tmp, 'src', 'private-demo');
  mkdirSync(join(chartDir, 'templates'), { recursive: true });
  writeFileSync(join(chartDir, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: 'private-demo', version: '0.1.0' }));
  writeFileSync(join(chartDir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-private\ndata:\n  from: private repository\n');
  const repoDir = join(tmp, 'repo');
  execFileSync(helm, ['package', chartDir, '-d', repoDir], { stdio: 'ignore' });
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  server = createServer((req, res) => {
    const authorized = req.headers.authorization === expected;
    seen.push({ path: req.url ?? '', authorized });
    if (!authorized) { res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end(); return; }
    try {
      res.writeHead(200).end(readFileSync(join(repoDir, (req.url ?? '/').replace(/^\/charts\//, ''))));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
  execFileSync(helm, ['repo', 'index', repoDir, '--url', url]);
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  clearSecretsForTest();
  await new Promise((done) => server?.close(done));
  rmSync(tmp, { recursive: true, force: true });
});

/** helm with every argument list recorded (no password may be in one). */
function recorded(env: Readonly<Record<string, string>>): { exec: HelmExec; argv: string[][] } {
  const real = localHelm(helm, join(tmp, 'no-kubeconfig'), undefined, env);
  const argv: string[][] = [];
  return { argv, exec: { ...real, run: (args, signal, onStderr) => { argv.push(args); return real.run(args, signal, onStderr); } } };
}

const chart = (): ResolvedChart => ({ id: { name: 'private-demo', version: '0.1.0' }, args: ['private-demo', '--repo', url, '--version', '0.1.0'], from: `private-demo 0.1.0 from ${url}` });

async function template(auth: ReturnType<typeof helmAuth>) {
  const { exec, argv } = recorded(auth.env);
  const c = auth.chart(chart());
  await auth.prepare(exec);
  const r = await exec.run(['template', 'demo', ...c.args]);
  return { r, argv, c };
}

describe('a private chart repository', () => {
  it('refuses helm without credentials (the stand-in really wants them)', async () => {
    const { exec } = recorded({});
    const r = await exec.run(['template', 'demo', ...chart().args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/401/);
  });

  it('is reached with credentials from vars (vault), by repository name, after helm repo update', async () => {
    const auth = helmAuth({ repositories: [{ url: `${url}/`, username: USER, password: PASSWORD }], env: process.env });
    try {
      const { r, argv, c } = await template(auth);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('name: demo-private');
      expect(c.args[0]).toBe('capstan-repo-1/private-demo');
      expect(argv[0]).toEqual(['repo', 'update', 'capstan-repo-1']);
      expect(argv.flat().join(' ')).not.toContain(PASSWORD);
      expect(seen.some((s) => s.authorized && s.path.endsWith('.tgz'))).toBe(true);
      expect(mask(`password ${PASSWORD}`)).toBe('password ********');
    } finally {
      await auth.close();
    }
    expect(() => readFileSync(auth.env['HELM_REPOSITORY_CONFIG']!)).toThrow(); // the private copy is gone
  });

  it('is reached with the credentials in Helm\'s own repositories.yaml', async () => {
    writeFileSync(join(homes.HELM_CONFIG_HOME, 'repositories.yaml'), stringify({
      apiVersion: '', repositories: [{ name: 'private', url, username: USER, password: PASSWORD }],
    }));
    const auth = helmAuth({ env: process.env });
    try {
      expect(auth.env).toEqual({}); // helm reads its own file
      const { r, c } = await template(auth);
      expect(r.code, r.stderr).toBe(0);
      expect(c.args[0]).toBe('private/private-demo');
    } finally {
      await auth.close();
    }
  });
});

describe('OCI registry logins from vars', () => {
  it('go into a private copy of Helm\'s registry config that keeps the user\'s own logins', async () => {
    const own = join(homes.HELM_CONFIG_HOME, 'registry', 'config.json');
    mkdirSync(join(homes.HELM_CONFIG_HOME, 'registry'), { recursive: true });
    writeFileSync(own, JSON.stringify({ auths: { 'ghcr.invalid': { auth: 'b3duOnRva2Vu' } } }));
    const auth = helmAuth({ registries: [{ host: 'registry.invalid:5000', username: 'bot', password: 'reg-pass-99x' }], env: process.env });
    try {
      const copy = JSON.parse(readFileSync(auth.env['HELM_REGISTRY_CONFIG']!, 'utf8'));
      expect(copy.auths['ghcr.invalid']).toEqual({ auth: 'b3duOnRva2Vu' });
      expect(Buffer.from(copy.auths['registry.invalid:5000'].auth, 'base64').toString()).toBe('bot:reg-pass-99x');
      expect(JSON.parse(readFileSync(own, 'utf8')).auths).not.toHaveProperty('registry.invalid:5000');
      // helm reads that file: `helm registry logout` finds the login there
      const { exec } = recorded(auth.env);
      const r = await exec.run(['registry', 'logout', 'registry.invalid:5000']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(auth.env['HELM_REGISTRY_CONFIG']!, 'utf8')).auths).not.toHaveProperty('registry.invalid:5000');
    } finally {
      await auth.close();
    }
  });
});
