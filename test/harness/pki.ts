/**
 * Certificates and keys for a throw-away control plane, made with the openssl CLI: a CA, the
 * apiserver's serving certificate (127.0.0.1, localhost), an admin client certificate in
 * system:masters, and the ServiceAccount token signing key pair. EC P-256 keeps it fast.
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';

/** Paths (all inside the control plane's directory) of the files {@link makePki} writes. */
export interface PkiFiles {
  /** CA certificate and key; the CA signs the serving and client certificates. */
  readonly caCert: string;
  readonly caKey: string;
  /** apiserver serving certificate and key. */
  readonly servingCert: string;
  readonly servingKey: string;
  /** admin client certificate (O=system:masters) and key. */
  readonly adminCert: string;
  readonly adminKey: string;
  /** ServiceAccount token signing key and its public half. */
  readonly saKey: string;
  readonly saPub: string;
}

/** The PEM contents a kubeconfig needs, next to the file paths. */
export interface Pki {
  readonly files: PkiFiles;
  readonly caPem: string;
  readonly adminCertPem: string;
  readonly adminKeyPem: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc'] as const;
const VALID_DAYS = '2';

/** Runs one openssl command, failing with its stderr. */
async function openssl(args: readonly string[]): Promise<void> {
  const r = await execa('openssl', args, { reject: false });
  if (r.exitCode !== 0) {
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed (exit ${String(r.exitCode)}): ${r.stderr}`);
  }
}

/** Arguments for a leaf certificate signed by the CA. */
function leafArgs(files: PkiFiles, key: string, cert: string, subject: string, exts: readonly string[]): string[] {
  const addext = exts.flatMap((e) => ['-addext', e]);
  return ['req', '-x509', '-CA', files.caCert, '-CAkey', files.caKey, ...EC_KEY,
    '-keyout', key, '-out', cert, '-days', VALID_DAYS, '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:FALSE', ...addext];
}

/** File names of the PKI inside `dir`. */
export function pkiFiles(dir: string): PkiFiles {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'serving.crt'),
    servingKey: join(dir, 'serving.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
  };
}

/** Writes the CA, serving and admin certificates and the ServiceAccount keys into `dir`. */
export async function makePki(dir: string): Promise<Pki> {
  const files = pkiFiles(dir);
  const saKeyGen = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', files.saKey])
    .then(() => openssl(['pkey', '-in', files.saKey, '-pubout', '-out', files.saPub]));
  await openssl(['req', '-x509', ...EC_KEY, '-keyout', files.caKey, '-out', files.caCert,
    '-days', VALID_DAYS, '-subj', '/CN=metallb-ts-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await Promise.all([
    openssl(leafArgs(files, files.servingKey, files.servingCert, '/CN=kube-apiserver',
      ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth'])),
    openssl(leafArgs(files, files.adminKey, files.adminCert, '/O=system:masters/CN=metallb-ts-admin',
      ['extendedKeyUsage=clientAuth'])),
    saKeyGen,
  ]);
  const [caPem, adminCertPem, adminKeyPem] = await Promise.all([
    readFile(files.caCert, 'utf8'), readFile(files.adminCert, 'utf8'), readFile(files.adminKey, 'utf8')]);
  return { files, caPem, adminCertPem, adminKeyPem };
}
