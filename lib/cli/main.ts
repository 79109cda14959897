/**
 * `capstan <command> [args]`: the installed command. bin/capstan.js starts this file on the
 * pinned Node 24; the npm scripts (`npm run play -- ...`) start the same commands directly.
 *
 *   capstan play -i ./inv --check        # = npm run play -- -i ./inv --check
 *   capstan inventory -i ./inv --list
 *   capstan --version                    # loads no command module
 *   source <(capstan completion bash)
 *
 * Each command's module is imported only when it runs, so `--version`, `--help` and completion
 * stay fast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMain, PROJECT_DIR, processIO } from './args.ts';
import { COMMAND_SUMMARIES, type CommandName } from './commands.ts';

interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number>;
}

const S = COMMAND_SUMMARIES;

export const COMMANDS: Readonly<Record<CommandName, Command>> = {
  play: {
    summary: S.play,
    run: async (argv) => (await import('./play.ts')).playCli(argv),
  },
  inventory: {
    summary: S.inventory,
    run: async (argv) => (await import('./inventory.ts')).inventoryMain(argv, processIO(PROJECT_DIR)),
  },
  doc: {
    summary: S.doc,
    run: async (argv) => (await import('./doc.ts')).docMain(argv, processIO(PROJECT_DIR)),
  },
  lab: {
    summary: S.lab,
    run: async (argv) => (await import('../lab/lab-cli.ts')).labMain(argv),
  },
  demo: {
    summary: S.demo,
    run: async () => (await import('./demo.ts')).demoCli(),
  },
  dashboard: {
    summary: S.dashboard,
    run: async (argv) => (await import('./dashboard.ts')).dashboardCli(argv),
  },
  completion: {
    summary: S.completion,
    run: async (argv) => (await import('./completion.ts')).completionMain(argv, processIO(PROJECT_DIR)),
  },
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: capstan <command> [options]   (capstan <command> --help for its options)\n\n${lines.join('\n')}\n\n` +
    '  --version  capstan\'s version, the Node it runs on and where it is installed\n';
}

/** Runs one command line; returns the exit code (5 for an unknown command, as for any bad input). */
export async function main(argv: readonly string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    out.write(`capstan ${version()}\n  node ${process.version} (${process.execPath})\n  installed at ${PROJECT_DIR}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.write(usage());
    return name === undefined ? 5 : 0;
  }
  if (name === '__complete') return (await import('./completion.ts')).completeMain(rest, out);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  if (!command) {
    const { closest } = await import('../vars/suggest.ts');
    const near = closest(name, Object.keys(COMMANDS));
    err.write(`ERROR! unknown command ${JSON.stringify(name)}${near ? `; did you mean ${near}?` : ''}\n${usage()}`);
    return 5;
  }
  return command.run(rest);
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
