/**
 * A throwaway CA and a server certificate for the simulator, made with the openssl CLI
 * (node:crypto cannot issue X.509 certificates). SANs cover 127.0.0.1, ::1, localhost and the
 * listen host, so clients verify the server against the CA in the kubeconfig.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { $ } from 'zx';
import { sh } from '../../shell.ts';

export interface SimulatorCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const cache = new Map<string, Promise<SimulatorCerts>>();

/** CA + server certificate for these hosts (cached per process and host set). */
export function simulatorCerts(hosts: string[]): Promise<SimulatorCerts> {
  const names = [...new Set(['127.0.0.1', '::1', 'localhost', ...hosts])].sort();
  const key = names.join(',');
  let p = cache.get(key);
  if (!p) {
    p = issue(names);
    cache.set(key, p);
  }
  return p;
}

async function issue(hosts: string[]): Promise<SimulatorCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-sim-tls-'));
  try {
    const san = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    const [ca, caKey, cert, key, csr] = ['ca.pem', 'ca.key', 'cert.pem', 'key.pem', 'csr.pem'].map((f) => join(dir, f)) as [string, string, string, string, string];
    const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    const script = sh`openssl req -x509 ${curve} -keyout ${caKey} -out ${ca} -days 3650 -subj /CN=kube-sim-ca \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>&1 && \
      openssl req ${curve} -keyout ${key} -out ${csr} -subj /CN=kube-apiserver-simulator 2>&1 && \
      printf '%s\n' ${`subjectAltName=${san}`} extendedKeyUsage=serverAuth basicConstraints=CA:FALSE > ${join(dir, 'ext')} && \
      openssl x509 -req -in ${csr} -CA ${ca} -CAkey ${caKey} -CAcreateserial -out ${cert} -days 3650 -extfile ${join(dir, 'ext')} 2>&1`;
    await $({ quiet: true })`bash -c ${script.text}`;
    const [caPem, certPem, keyPem] = await Promise.all([ca, cert, key].map((f) => readFile(f, 'utf8')));
    return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
