/**
 * Shared CLI plumbing for play / inventory / doc: node:util parseArgs with Ansible's flag names,
 * the inventory + vault + extra-vars loading they share, and error → exit code mapping.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { CapstanError, ExitCode, InputError } from '../errors.ts';
import { mask } from '../secrets.ts';

export interface CliIO {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  readonly stderr: { write(s: string): unknown };
  /** The project directory (inventory/, playbooks/, roles/ live here). */
  readonly projectDir: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The project folder (inventory/, playbooks/, roles/, templates/). */
export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse argv; unknown flags are an InputError (exit 5) naming the flag. */
export function parseCli<O extends Options>(argv: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // node:util names the flag in quotes: "Unknown option '--bogus'", "Option '--skip-tags <value>' argument missing".
    const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? 'options';
    throw new InputError([{ file: 'command line', key: flag, message: `${message}; see --help for the flags` }]);
  }
}

/** Ansible's `-e` may be repeated; `--tags a,b` may be repeated too. */
export function many(value: string | boolean | (string | boolean)[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError([{ file: 'command line', key: flag, message: `${JSON.stringify(value)} is not a positive whole number; e.g. ${flag} 5` }]);
  }
  return n;
}

/** Print an error the way the user needs it, and the exit code it maps to. Masked. */
export function reportError(err: unknown, io: CliIO): number {
  if (err instanceof InputError) {
    io.stderr.write(`ERROR! ${mask(err.message)}\n`);
    return ExitCode.invalidInput;
  }
  if (err instanceof CapstanError) {
    io.stderr.write(`ERROR! ${mask(err.message)}${err.hint ? `\n${mask(err.hint)}` : ''}\n`);
    return ExitCode.internal;
  }
  io.stderr.write(`ERROR! internal error: ${mask(err instanceof Error ? err.stack ?? err.message : String(err))}\n`);
  return ExitCode.internal;
}

/** Output piped into `head` or `less` that closes early: stop quietly, as other CLIs do. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/**
 * The directory the user ran the command from: under `npm run play` npm starts the script in the
 * checkout and says where the user was in INIT_CWD (trusted only for capstan's own scripts);
 * otherwise the process's cwd. Relative `-i`, `-e @file`, `--vault-password-file` resolve here.
 */
export function userCwd(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  return env.npm_package_name === 'capstan' && env.INIT_CWD ? env.INIT_CWD : cwd;
}

export function processIO(projectDir: string): CliIO {
  quietOnClosedPipe(process.stdout);
  return { stdout: process.stdout, stderr: process.stderr, projectDir, cwd: userCwd(process.env, process.cwd()), env: process.env };
}

/** Whether the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return !!process.argv[1] && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

/** Run a CLI main when its module is the script node was started with; sets the exit code. */
export async function runIfMain(moduleUrl: string, main: (argv: readonly string[], io: CliIO) => Promise<number>): Promise<void> {
  if (!isMain(moduleUrl)) return;
  process.exitCode = await main(process.argv.slice(2), processIO(PROJECT_DIR));
}
