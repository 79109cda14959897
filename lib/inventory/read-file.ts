/**
 * Reading an inventory file without trusting what the path names: only a regular file is read
 * (a FIFO, socket or device in group_vars/ would block or never end), and every failure becomes
 * a message naming the path and the fix (permission denied, a symlink loop, a folder), never a
 * stack trace. The file is opened non-blocking and checked on the open descriptor, so a FIFO is
 * refused at once instead of waiting for a writer, and nothing can swap the file in between.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';

/** A file that cannot be read as inventory input; the message says why and what to do. */
export class UnreadableFileError extends Error {}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

const CODES: Record<string, string> = {
  EACCES: 'permission denied: make it readable by the user running capstan (chmod/chown), or run as that user',
  EPERM: 'permission denied: make it readable by the user running capstan',
  ELOOP: 'a symbolic link loop (the link points back at itself): fix or remove the link',
  ENOENT: 'no such file (a dangling symbolic link?): fix the link or remove it',
  EISDIR: 'is a folder, not a file',
  ENAMETOOLONG: 'the path is too long',
};

/** Why an fs error happened, in words, with the fix. */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code && CODES[err.code]) ?? `cannot read it (${err.code ?? err.message})`;
}

/** The text of a regular file; UnreadableFileError for anything else. */
export function readRegularFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UnreadableFileError(fsReason(e));
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new UnreadableFileError(`is ${kindOf(s)}: inventory files must be regular files; remove it or replace it with one`);
    return readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw new UnreadableFileError(fsReason(e));
  } finally {
    closeSync(fd);
  }
}
