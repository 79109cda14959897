// The installed `capstan` command: bin/capstan.js on the pinned Node, subcommands, --version,
// a too-old Node's one-line message, relative paths against the user's directory (INIT_CWD under npm).
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { userCwd } from '../../../lib/cli/args.ts';
import { main } from '../../../lib/cli/main.ts';

const run = promisify(execFile);
const projectDir = resolve(import.meta.dirname, '../../..');
const bin = join(projectDir, 'bin/capstan.js');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-bin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Debian's Node (20 on bookworm and trixie): the Node that cannot load the TypeScript entry points. */
const SYSTEM_NODE = '/usr/bin/node';

async function capstan(args: string[], cwd: string, node = process.execPath, env: NodeJS.ProcessEnv = {}) {
  try {
    const r = await run(node, [bin, ...args], { cwd, env: { PATH: process.env.PATH, HOME: tmp, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function scratchInventory(): string {
  const dir = mkdtempSync(join(tmp, 'scratch-'));
  mkdirSync(join(dir, 'inv/group_vars'), { recursive: true });
  writeFileSync(join(dir, 'inv/hosts'), '[nodes]\nlocalhost ansible_connection=local\n');
  writeFileSync(join(dir, 'inv/group_vars/all.yml'), 'from_group_vars: 1\n');
  writeFileSync(join(dir, 'extra.yml'), 'from_extra_file: hello\n');
  return dir;
}

describe('bin/capstan.js', () => {
  it('--version answers from a directory outside the checkout, run by the machine\'s Node, on the pinned Node', async () => {
    const r = await capstan(['--version'], tmp, SYSTEM_NODE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^capstan \d+\.\d+\.\d+\n {2}node v24\./);
    expect(r.stdout).toContain(`installed at ${projectDir}`);
  });

  it('on a Node too old and without the pinned one, says which version it needs in one line', async () => {
    const { stdout: v } = await run(SYSTEM_NODE, ['--version']);
    expect(Number(/^v(\d+)/.exec(v)![1]), `${SYSTEM_NODE} is ${v.trim()}: this test needs a Node older than 22.19 there`).toBeLessThan(22);
    const copy = join(tmp, 'no-node-modules');
    cpSync(join(projectDir, 'bin'), join(copy, 'bin'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), '{}');
    const r = await capstan(['--version'], tmp, SYSTEM_NODE).then(() => run(SYSTEM_NODE, [join(copy, 'bin/capstan.js'), '--version']).catch((e: { code: number; stderr: string }) => e));
    expect((r as { code: number }).code).toBe(1);
    const lines = (r as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^capstan needs Node 22\.19 or newer .* this is Node v\d+.*npm install/);
  });

  it('npx capstan works inside the checkout, with nothing installed', async () => {
    const r = await run('npx', ['--offline', 'capstan', '--version'], { cwd: projectDir, env: { PATH: process.env.PATH, HOME: tmp } });
    expect(r.stdout).toMatch(/^capstan \d+\.\d+\.\d+\n/);
  });

  it('passes the exit code through: an unknown command is 5, with the commands listed', async () => {
    const r = await capstan(['plya'], tmp);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/unknown command "plya"; did you mean play\?/);
    expect(r.stderr).toMatch(/inventory .*\n.*doc .*\n.*lab .*\n.*demo /);
  });

  it('capstan inventory -i ./inv and -e @file, relative to where it was run', async () => {
    const dir = scratchInventory();
    const r = await capstan(['inventory', '-i', './inv', '--host', 'localhost', '--resolved', '-e', '@extra.yml'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ from_group_vars: 1, from_extra_file: 'hello' });
  });

  it('capstan play -i ./inv --list-hosts with a relative playbook path', async () => {
    const dir = scratchInventory();
    mkdirSync(join(dir, 'playbooks'));
    writeFileSync(join(dir, 'playbooks/echo.ts'), `import { play, playbook } from '${pathToFileURL(join(projectDir, 'lib/playbook.ts')).href}';\n` +
      "export default playbook('echo', [play('echo play', 'nodes', ['echo'])]);\n");
    symlinkSync(join(projectDir, 'test/fixtures/runner/roles'), join(dir, 'roles'));
    const r = await capstan(['play', '-i', './inv', '--playbook', 'playbooks/echo.ts', '-e', 'echo_dir=/nowhere', '--list-hosts'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hosts \(1\):\n {6}localhost/);
  });
});

describe('the user\'s directory', () => {
  it('is INIT_CWD under npm run of capstan\'s own scripts, the process cwd otherwise', () => {
    expect(userCwd({ INIT_CWD: '/home/u/site', npm_package_name: 'capstan' }, '/opt/capstan')).toBe('/home/u/site');
    expect(userCwd({ INIT_CWD: '/home/u/other', npm_package_name: 'other-project' }, '/srv/x')).toBe('/srv/x');
    expect(userCwd({}, '/srv/x')).toBe('/srv/x');
  });

  it('npm run inventory -- -i ./inv reads ./inv of the directory npm was run from', async () => {
    const dir = scratchInventory();
    const sub = join(dir, 'inv');
    // npm starts the script in the checkout and says where the user was in INIT_CWD
    const r = await run('npm', ['run', '--silent', '--prefix', projectDir, 'inventory', '--', '-i', './hosts', '--list'], { cwd: sub, env: { ...process.env, HOME: tmp } });
    expect(JSON.parse(r.stdout).nodes.hosts).toEqual(['localhost']);
  });
});

describe('capstan main', () => {
  it('--version and --help load no command module', async () => {
    let out = '';
    const sink = { write: (s: string) => { out += s; return true; } };
    expect(await main(['--version'], sink as never, sink as never)).toBe(0);
    expect(out).toMatch(/^capstan /);
    out = '';
    expect(await main(['--help'], sink as never, sink as never)).toBe(0);
    expect(out).toMatch(/completion/);
  });
});
