/**
 * Idempotent host steps for roles: each reads what is there, changes only what differs, returns
 * ok/changed (with a diff under --diff), and writes nothing in check mode.
 */
export { command, fact, type CommandArgs, type CommandTaskResult } from './command.ts';
export { ensureDirectory, ensureLine, putFile, withLine, type DirectoryArgs, type LineArgs, type PutFileArgs } from './files.ts';
export { kernelModule, sysctl, type KernelModuleArgs, type SysctlArgs } from './kernel.ts';
export { type Ownership } from './common.ts';
export { prefetch, reads, type CmdRead } from './reads.ts';
