/**
 * Reading an inventory file without trusting what the path names: only a regular file is read
 * (a FIFO, socket or device in group_vars/ would block or never end), and every failure becomes
 * a problem naming the path, what is wrong and the fix (permission denied, a symlink loop, a
 * folder), never a stack trace. The file is opened non-blocking and checked on the open
 * descriptor, so a FIFO is refused at once instead of waiting for a writer, and nothing can swap
 * the file in between.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import type { Problem } from '../errors.ts';

/** A file that cannot be read as inventory input: `what` is wrong with it, `fix` what to do. */
export class UnreadableFileError extends Error {
  readonly what: string;
  readonly fix: string;
  constructor(what: string, fix: string) {
    super(`${what}: ${fix}`);
    this.what = what;
    this.fix = fix;
  }

  /** As a `file › what: fix` problem. */
  problem(file: string): Problem {
    return { file, key: this.what, message: this.fix };
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

const CODES: Record<string, [string, string]> = {
  EACCES: ['permission denied', 'make it readable by the user running capstan (chmod/chown), or run as that user'],
  EPERM: ['permission denied', 'make it readable by the user running capstan'],
  ELOOP: ['a symbolic link loop', 'the link points back at itself: fix or remove the link'],
  ENOENT: ['no such file', 'check the path (a symbolic link whose target is gone says this too)'],
  EISDIR: ['a folder', 'give a file'],
  ENAMETOOLONG: ['path too long', 'shorten the path'],
};

/** What an fs error means and its fix. */
export function fsReason(e: unknown): [string, string] {
  const err = e as NodeJS.ErrnoException;
  return (err.code ? CODES[err.code] : undefined) ?? [`cannot read it (${err.code ?? err.message})`, 'check the file'];
}

/** A folder that cannot be listed, as a `folder › cannot list it (why): fix` problem. */
export function listProblem(folder: string, e: unknown): Problem {
  const [what, fix] = fsReason(e);
  return { file: folder, key: `cannot list the folder (${what})`, message: fix };
}

/** The text of a regular file; UnreadableFileError for anything else. */
export function readRegularFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UnreadableFileError(...fsReason(e));
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new UnreadableFileError(kindOf(s), 'inventory files must be regular files; remove it or replace it with one');
    return readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(...fsReason(e));
  } finally {
    closeSync(fd);
  }
}
