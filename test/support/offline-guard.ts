// Preloaded with `node --import` by the bad-input corpus (test/lib/cli/bad-input.int.test.ts): a guard
// that records AND refuses every socket connect and every child process the CLI attempts, so a
// case whose validation misses the bad value cannot reach a host, a cluster or helm. At exit it
// prints what was attempted as one `OFFLINE-GUARD {...}` JSON line on stderr.
import childProcess, { ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { Socket } from 'node:net';

const connects: string[] = [];
const spawns: string[] = [];

const refusedConnect = function (this: Socket, ...args: unknown[]): Socket {
  connects.push(JSON.stringify(args[0]) ?? String(args[0]));
  const err = Object.assign(new Error('offline guard: connect refused (bad-input corpus)'), { code: 'ECONNREFUSED' });
  process.nextTick(() => this.destroy(err));
  return this;
};
Socket.prototype.connect = refusedConnect as typeof Socket.prototype.connect;

// ChildProcess.prototype.spawn is what spawn, execFile, exec and fork all end in.
const proto = ChildProcess.prototype as unknown as { spawn(options: { file?: string; args?: string[] }): unknown };
proto.spawn = function (options: { file?: string; args?: string[] }): never {
  spawns.push([options.file, ...(options.args ?? []).slice(1)].join(' '));
  throw Object.assign(new Error(`offline guard: child process refused: ${options.file}`), { code: 'EACCES' });
};

// The synchronous forms take another path: refuse them at their exports (capstan uses none today).
for (const name of ['spawnSync', 'execFileSync', 'execSync'] as const) {
  (childProcess as unknown as Record<string, unknown>)[name] = (file: string): never => {
    spawns.push(String(file));
    throw Object.assign(new Error(`offline guard: child process refused: ${file}`), { code: 'EACCES' });
  };
}
syncBuiltinESMExports();

process.on('exit', () => {
  process.stderr.write(`\nOFFLINE-GUARD ${JSON.stringify({ connects, spawns })}\n`);
});
