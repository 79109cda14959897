/**
 * Where k3s comes from: the install script URL (k3s_install_script_url), or an air-gapped
 * `airgap_dir` on the controller holding the k3s binary, install.sh and the images tarball(s),
 * uploaded over SFTP (each only when it differs) before the installer runs with
 * INSTALL_K3S_SKIP_DOWNLOAD=true.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../../lib/errors.ts';
import type { TaskLog } from '../../lib/role.ts';
import { sh } from '../../lib/shell.ts';
import type { Transport } from '../../lib/transport/types.ts';
import { BINARY_PATH, IMAGES_DIR } from './config.ts';
import { mustRun } from './files.ts';

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

async function remoteSha256(t: Transport, path: string): Promise<string | undefined> {
  const r = await t.run(sh`sha256sum ${path}`, { become: true });
  return r.code === 0 ? r.stdout.split(' ')[0] : undefined;
}

async function upload(t: Transport, local: string, remote: string, mode: number, log: TaskLog): Promise<void> {
  const content = readFileSync(local);
  if ((await remoteSha256(t, remote)) === createHash('sha256').update(content).digest('hex')) return;
  log.progress(`uploading ${local} → ${t.host}:${remote}`);
  await t.put(remote, content, { mode, become: true });
}

/** Upload the airgap files; returns the path of the uploaded install script. */
export async function uploadAirgap(t: Transport, dir: string, log: TaskLog): Promise<string> {
  const files = airgapFiles(dir);
  if (Array.isArray(files)) throw new Error(files.map((p) => `${p.file}: ${p.message}`).join('\n'));
  await mustRun(t, sh`mkdir -p ${IMAGES_DIR}`);
  await upload(t, files.binary, BINARY_PATH, 0o755, log);
  for (const image of files.images) await upload(t, image, `${IMAGES_DIR}/${image.slice(image.lastIndexOf('/') + 1)}`, 0o644, log);
  await upload(t, files.script, AIRGAP_SCRIPT_PATH, 0o755, log);
  return AIRGAP_SCRIPT_PATH;
}
