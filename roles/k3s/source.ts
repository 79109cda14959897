/**
 * Where k3s comes from: the install script URL (k3s_install_script_url), or an air-gapped
 * `airgap_dir` on the controller holding the k3s binary, install.sh and the images tarball(s),
 * uploaded over SFTP (each only when it differs) before the installer runs with
 * INSTALL_K3S_SKIP_DOWNLOAD=true.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Problem } from '../../lib/errors.ts';
import type { TaskContext } from '../../lib/role.ts';
import { BINARY_PATH, IMAGES_DIR } from './config.ts';
import { ensureFiles, type FileSpec } from './files.ts';

export type InstallSource = { kind: 'url'; url: string } | { kind: 'airgap'; dir: string };

export const AIRGAP_SCRIPT_PATH = '/usr/local/bin/k3s-install.sh';
const IMAGES = /^k3s-airgap-images-.*\.tar(\.(gz|zst))?$/;

export interface AirgapFiles {
  binary: string;
  script: string;
  images: string[];
}

/** The files of an airgap dir, or the problems (missing pieces) naming the dir. */
export function airgapFiles(dir: string): AirgapFiles | Problem[] {
  if (!existsSync(dir)) return [{ file: dir, key: 'airgap_dir', message: 'does not exist; put k3s, install.sh and k3s-airgap-images-<arch>.tar.zst there' }];
  const names = readdirSync(dir);
  const problems: Problem[] = [];
  for (const need of ['k3s', 'install.sh']) {
    if (!names.includes(need)) problems.push({ file: join(dir, need), key: 'airgap_dir', message: `is missing (the ${need === 'k3s' ? 'k3s binary of k3s_version' : 'k3s install script'})` });
  }
  const images = names.filter((n) => IMAGES.test(n)).sort();
  if (images.length === 0) problems.push({ file: dir, key: 'airgap_dir', message: 'has no k3s-airgap-images-<arch>.tar[.gz|.zst]' });
  if (problems.length) return problems;
  return { binary: join(dir, 'k3s'), script: join(dir, 'install.sh'), images: images.map((n) => join(dir, n)) };
}

/** Upload the airgap files (each only when its checksum differs); returns the install script's path. */
export async function uploadAirgap(ctx: TaskContext, dir: string): Promise<string> {
  const files = airgapFiles(dir);
  if (Array.isArray(files)) throw new Error(files.map((p) => `${p.file}: ${p.message}`).join('\n'));
  const uploads: FileSpec[] = [
    { path: BINARY_PATH, content: readFileSync(files.binary), mode: 0o755 },
    ...files.images.map((image) => ({ path: `${IMAGES_DIR}/${basename(image)}`, content: readFileSync(image), mode: 0o644 })),
    { path: AIRGAP_SCRIPT_PATH, content: readFileSync(files.script), mode: 0o755 },
  ];
  ctx.log.progress(`air-gapped: checking ${uploads.map((u) => basename(u.path)).join(', ')} on ${ctx.host.name}`);
  await ensureFiles(ctx, uploads);
  return AIRGAP_SCRIPT_PATH;
}
