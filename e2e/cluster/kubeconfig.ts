// The admin kubeconfig of a harness cluster: self-contained (certificates embedded) so any process can use it.
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Pki } from './pki.js';

/** Pure: the kubeconfig document for a server URL and PEM texts. */
export function renderKubeconfig(input: { server: string; caPem: string; certPem: string; keyPem: string; tlsServerName?: string }): string {
  const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');
  // tls-server-name lets a client reach the API server through another address (a QEMU guest uses 10.0.2.2)
  // while checking the serving certificate against a name it carries.
  const tls = input.tlsServerName === undefined ? {} : { 'tls-server-name': input.tlsServerName };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'openlocal-e2e', cluster: { server: input.server, 'certificate-authority-data': b64(input.caPem), ...tls } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': b64(input.certPem), 'client-key-data': b64(input.keyPem) } }],
    contexts: [{ name: 'openlocal-e2e', context: { cluster: 'openlocal-e2e', user: 'admin' } }],
    'current-context': 'openlocal-e2e',
  });
}

/** Writes the admin kubeconfig (mode 0600) and returns its path. */
export function writeAdminKubeconfig(path: string, target: { server: string; pki: Pki; tlsServerName?: string }): string {
  const { server, pki, tlsServerName } = target;
  const text = renderKubeconfig({
    server,
    caPem: readFileSync(pki.caCert, 'utf8'),
    certPem: readFileSync(pki.adminCert, 'utf8'),
    keyPem: readFileSync(pki.adminKey, 'utf8'),
    ...(tlsServerName === undefined ? {} : { tlsServerName }),
  });
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}
