/**
 * The cluster's PKI, made with the openssl CLI (node:crypto cannot issue X.509 certificates):
 * a CA; the API server's serving certificate (loopback, the lab gateway when there is one, the
 * first service IP and the kubernetes.default names); a service-account signing key; and one
 * client certificate per user, so the audit log tells capstan's requests (user `capstan`) from
 * the controllers', the scheduler's and kwok's.
 */
import { isIP } from 'node:net';
import { join } from 'node:path';
import { $ } from 'zx';
import { sh, type Cmd } from '../../shell.ts';

/** Client certificate users: CN (the user name) and O (groups). */
export const USERS = {
  admin: { cn: 'capstan-admin', o: 'system:masters' },
  capstan: { cn: 'capstan', o: '' },
  'kube-controller-manager': { cn: 'system:kube-controller-manager', o: '' },
  'kube-scheduler': { cn: 'system:kube-scheduler', o: '' },
  kwok: { cn: 'kwok', o: 'system:masters' },
  'lb-ip-stand-in': { cn: 'lb-ip-stand-in', o: 'system:masters' },
  'cert-manager': { cn: 'cert-manager', o: 'system:masters' },
} as const;
export type ClusterUser = keyof typeof USERS;

export interface Pki {
  dir: string;
  ca: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  saKey: string;
  saPub: string;
  /** cert and key file of each user */
  client(user: ClusterUser): { cert: string; key: string };
}

const CURVE = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function subject(cn: string, o: string): string {
  return o ? `/O=${o}/CN=${cn}` : `/CN=${cn}`;
}

/** openssl commands issuing one certificate signed by the CA, with the given extensions. */
function issue(dir: string, name: string, subj: string, ext: string[]): Cmd {
  const [key, csr, cert, extFile] = ['key', 'csr', 'crt', 'ext'].map((s) => join(dir, `${name}.${s}`)) as [string, string, string, string];
  return sh`openssl req ${CURVE} -keyout ${key} -out ${csr} -subj ${subj} 2>&1 && printf '%s\n' ${ext} > ${extFile} && \
    openssl x509 -req -in ${csr} -CA ${join(dir, 'ca.crt')} -CAkey ${join(dir, 'ca.key')} -CAcreateserial -out ${cert} -days 3650 -extfile ${extFile} 2>&1`;
}

/** Issue everything into dir (hosts: IPs and DNS names for the serving certificate). */
export async function makePki(dir: string, hosts: readonly string[]): Promise<Pki> {
  const names = [...new Set(['127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...hosts])];
  const san = names.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  const steps: Cmd[] = [
    sh`openssl req -x509 ${CURVE} -keyout ${join(dir, 'ca.key')} -out ${join(dir, 'ca.crt')} -days 3650 -subj /CN=capstan-cluster-ca \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign,digitalSignature 2>&1`,
    issue(dir, 'apiserver', '/CN=kube-apiserver', [`subjectAltName=${san}`, 'extendedKeyUsage=serverAuth', 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment']),
    ...Object.entries(USERS).map(([name, u]) => issue(dir, name, subject(u.cn, u.o), ['extendedKeyUsage=clientAuth', 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'])),
    sh`openssl ecparam -name prime256v1 -genkey -noout -out ${join(dir, 'sa.key')} 2>&1 && openssl ec -in ${join(dir, 'sa.key')} -pubout -out ${join(dir, 'sa.pub')} 2>&1`,
  ];
  const script = steps.map((c) => c.text).join(' && ');
  await $({ quiet: true })`bash -c ${script}`;
  return pkiFiles(dir);
}

/** The files of a PKI made by makePki in dir. */
export function pkiFiles(dir: string): Pki {
  return {
    dir, ca: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key'), serverCert: join(dir, 'apiserver.crt'), serverKey: join(dir, 'apiserver.key'),
    saKey: join(dir, 'sa.key'), saPub: join(dir, 'sa.pub'),
    client: (user) => ({ cert: join(dir, `${user}.crt`), key: join(dir, `${user}.key`) }),
  };
}
