/** Three kubeconfig files (the third missing) that exercise kubectl's KUBECONFIG merge rules. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export function writeKubeconfigFiles(dir: string): string[] {
  mkdirSync(join(dir, 'a', 'certs'), { recursive: true });
  mkdirSync(join(dir, 'b'), { recursive: true });
  mkdirSync(join(dir, 'keys'), { recursive: true });
  // what the relative and absolute paths point at (kubectl config view --flatten inlines them)
  writeFileSync(join(dir, 'a', 'ca.crt'), 'CA of work\n');
  writeFileSync(join(dir, 'a', 'certs', 'alice.crt'), 'certificate of alice\n');
  writeFileSync(join(dir, 'keys', 'alice.key'), 'key of alice\n');
  const a = join(dir, 'a', 'config');
  const b = join(dir, 'b', 'config');
  writeFileSync(a, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'work',
    clusters: [{ name: 'work', cluster: { server: 'https://work.invalid:6443', 'certificate-authority': 'ca.crt' } }],
    contexts: [{ name: 'work', context: { cluster: 'work', user: 'alice' } }],
    users: [{ name: 'alice', user: { 'client-certificate': 'certs/alice.crt', 'client-key': join(dir, 'keys', 'alice.key') } }],
  }));
  writeFileSync(b, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'lab',
    clusters: [
      { name: 'work', cluster: { server: 'https://shadowed.invalid:6443' } },
      { name: 'lab', cluster: { server: 'https://lab.invalid:6443', 'insecure-skip-tls-verify': true } },
    ],
    contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'bob', namespace: 'dev' } }],
    users: [{ name: 'bob', user: { token: 'lab-token-123456', exec: undefined } }, { name: 'alice', user: { token: 'shadowed-token' } }],
  }));
  return [a, join(dir, 'missing', 'config'), b];
}
