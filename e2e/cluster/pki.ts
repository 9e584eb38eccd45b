// Certificates for a throw-away control plane, made with openssl (argv only): a CA, one serving certificate for
// 127.0.0.1/localhost (shared by every component), an admin client certificate in system:masters, and the
// service-account signing key pair. ECDSA P-256 keeps generation at a few milliseconds per key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.js';

/** Paths of the generated files (PEM). */
export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

interface CertRequest {
  readonly dir: string;
  readonly file: string;
  readonly subject: Readonly<Record<'CN' | 'O', string | undefined>>;
  readonly extensions: readonly string[];
  /** Sign with this CA; self-signed when absent. */
  readonly ca?: { cert: string; key: string };
}

/** Pure: the openssl config text for one certificate (no defaults from the system config leak in). */
export function opensslConfig(subject: CertRequest['subject'], extensions: readonly string[]): string {
  const dn = Object.entries(subject)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key} = ${value}`);
  return ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', ...dn, '[ext]', ...extensions, ''].join('\n');
}

async function makeCert(request: CertRequest): Promise<{ cert: string; key: string }> {
  const base = join(request.dir, request.file);
  const configPath = `${base}.cnf`;
  writeFileSync(configPath, opensslConfig(request.subject, request.extensions));
  const cert = `${base}.crt`;
  const key = `${base}.key`;
  const signing = request.ca ? ['-CA', request.ca.cert, '-CAkey', request.ca.key] : [];
  await runCommand([
    'openssl', 'req', '-x509', '-new', '-config', configPath, '-extensions', 'ext',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '7', ...signing,
  ]);
  return { cert, key };
}

/** Generates a complete PKI in `dir` (which must exist and be private to this run). */
export async function generatePki(dir: string): Promise<Pki> {
  const ca = await makeCert({
    dir, file: 'ca', subject: { CN: 'openlocal-e2e-ca', O: undefined },
    extensions: ['basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign,digitalSignature'],
  });
  const leaf = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment'];
  const serving = await makeCert({
    dir, file: 'serving', ca, subject: { CN: '127.0.0.1', O: undefined },
    // 10.0.2.2: the host as the kubelet rung's QEMU guest sees it; pods there use the in-cluster config with that
    // address (the chart's apiServer.host), and TLS must accept it.
    extensions: [...leaf, 'extendedKeyUsage = serverAuth', 'subjectAltName = IP:127.0.0.1,IP:10.0.2.2,DNS:localhost'],
  });
  const admin = await makeCert({
    dir, file: 'admin', ca, subject: { CN: 'openlocal-e2e-admin', O: 'system:masters' },
    extensions: [...leaf, 'extendedKeyUsage = clientAuth'],
  });
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPub = join(dir, 'sa.pub');
  await runCommand(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', serviceAccountKey]);
  await runCommand(['openssl', 'pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub]);
  return {
    caCert: ca.cert, caKey: ca.key, servingCert: serving.cert, servingKey: serving.key,
    adminCert: admin.cert, adminKey: admin.key, serviceAccountKey, serviceAccountPub,
  };
}
