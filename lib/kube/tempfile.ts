/**
 * Private temporary files (mode 0600 in a 0700 directory): temporary kubeconfigs and helm
 * values files. Each is removed by its owner, and any left over are removed when the process exits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
  });
}

export interface TempFile {
  readonly path: string;
  remove(): Promise<void>;
}

/** Writes `content` to a new private file named `name` and returns its path. */
export function writePrivateTemp(name: string, content: string): TempFile {
  hookExit();
  const dir = mkdtempSync(join(tmpdir(), 'capstan-'));
  live.add(dir);
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return {
    path,
    async remove() {
      live.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
