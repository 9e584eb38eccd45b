import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError } from '../cli.js';
import { createExtenderServer, needsClientCertificate, readTlsMaterial, type ServerSettings } from './server.js';

// Made at load: the test tables below name paths in it.
const dir = mkdtempSync(join(tmpdir(), 'extender-tls-'));
const file = (name: string): string => join(dir, name);

/** A certificate `name` (ECDSA P-256) signed by `ca`, or self-signed CA when `ca` is undefined. */
function makeCert(name: string, options: { ca?: string; extensions: string[] }): void {
  writeFileSync(file(`${name}.cnf`), ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${name}`, '[ext]', ...options.extensions, ''].join('\n'));
  const signing = options.ca === undefined ? [] : ['-CA', file(`${options.ca}.crt`), '-CAkey', file(`${options.ca}.key`)];
  execFileSync('openssl', ['req', '-x509', '-new', '-config', file(`${name}.cnf`), '-extensions', 'ext', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '2', ...signing], { stdio: 'ignore' });
}

beforeAll(() => {
  const ca = ['basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign,digitalSignature'];
  const leaf = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment'];
  makeCert('ca', { extensions: ca });
  makeCert('other-ca', { extensions: ca });
  makeCert('server', { ca: 'ca', extensions: [...leaf, 'extendedKeyUsage = serverAuth', 'subjectAltName = IP:127.0.0.1'] });
  makeCert('scheduler', { ca: 'ca', extensions: [...leaf, 'extendedKeyUsage = clientAuth'] });
  makeCert('stranger', { ca: 'other-ca', extensions: [...leaf, 'extendedKeyUsage = clientAuth'] });
  writeFileSync(file('not-pem.txt'), 'hello');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readTlsMaterial', () => {
  it('reads a certificate, its key and a client CA', () => {
    const material = readTlsMaterial({ certFile: file('server.crt'), keyFile: file('server.key'), clientCaFile: file('ca.crt') });
    expect(material.ca?.toString()).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    { name: 'a missing certificate', files: () => ({ certFile: file('nope.crt'), keyFile: file('server.key') }), want: `--tls-cert-file: cannot read "${file('nope.crt')}" (ENOENT)` },
    { name: 'a key that is not PEM', files: () => ({ certFile: file('server.crt'), keyFile: file('not-pem.txt') }), want: `--tls-private-key-file: "${file('not-pem.txt')}" is not a PEM file` },
    { name: 'a key of another certificate', files: () => ({ certFile: file('server.crt'), keyFile: file('scheduler.key') }), want: `--tls-cert-file "${file('server.crt')}" / --tls-private-key-file "${file('scheduler.key')}": not a certificate and its key` },
    { name: 'a missing client CA', files: () => ({ certFile: file('server.crt'), keyFile: file('server.key'), clientCaFile: file('ca.pem') }), want: `--tls-client-ca-file: cannot read "${file('ca.pem')}" (ENOENT)` },
    { name: 'a client CA that is a directory', files: () => ({ certFile: file('server.crt'), keyFile: file('server.key'), clientCaFile: dir }), want: `--tls-client-ca-file: cannot read "${dir}" (EISDIR)` },
  ])('refuses $name, naming the flag and the path', ({ files, want }) => {
    const f = { clientCaFile: undefined, ...files() };
    expect(() => readTlsMaterial(f)).toThrow(ConfigError);
    expect(() => readTlsMaterial(f)).toThrow(want);
  });
});

describe('needsClientCertificate', () => {
  it.each([
    ['/scheduler/predicates', true],
    ['/scheduler/priorities', true],
    ['/cache?nodeName=n1', true],
    ['/cache', true],
    ['/healthz', false],
    ['/readyz', false],
    ['/metrics', false],
    ['/status', false],
    ['/apis/scheduling/ns/persistentvolumeclaims/c?nodeName=n1', false],
  ])('%s → %s', (url, want) => {
    expect(needsClientCertificate(url)).toBe(want);
  });
});

const SETTINGS: ServerSettings = { tls: undefined, headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 50 };

async function start(settings: ServerSettings): Promise<{ server: Server; port: number }> {
  const server = createExtenderServer((req, res) => {
    req.resume();
    req.once('end', () => res.end(`reached ${req.url ?? ''}`));
  }, settings);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function httpsPost(port: number, path: string, client: string | undefined): Promise<{ status: number; text: string }> {
  const identity = client === undefined ? {} : { cert: readFileSync(file(`${client}.crt`)), key: readFileSync(file(`${client}.key`)) };
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, method: 'POST', ca: readFileSync(file('ca.crt')), ...identity, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('createExtenderServer with a client CA', () => {
  it('lets a client with a certificate of the CA reach the placement routes, and no one else', async () => {
    const tls = readTlsMaterial({ certFile: file('server.crt'), keyFile: file('server.key'), clientCaFile: file('ca.crt') });
    const { port } = await start({ ...SETTINGS, tls });
    expect(await httpsPost(port, '/scheduler/predicates', 'scheduler')).toEqual({ status: 200, text: 'reached /scheduler/predicates' });
    const anonymous = await httpsPost(port, '/scheduler/predicates', undefined);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ code: 'UNAUTHENTICATED' });
    const stranger = await httpsPost(port, '/cache', 'stranger');
    expect(stranger.status).toBe(401);
    expect(JSON.parse(stranger.text).Error).toMatch(/^client certificate required: UNABLE_TO_/);
    // Probes and the CSI plugin's route need no certificate.
    expect(await httpsPost(port, '/healthz', undefined)).toEqual({ status: 200, text: 'reached /healthz' });
    expect(await httpsPost(port, '/apis/scheduling/ns/persistentvolumeclaims/c?nodeName=n1', undefined)).toMatchObject({ status: 200 });
  });

  it('serves HTTPS without asking for client certificates when no client CA is set', async () => {
    const tls = readTlsMaterial({ certFile: file('server.crt'), keyFile: file('server.key'), clientCaFile: undefined });
    const { port } = await start({ ...SETTINGS, tls });
    expect(await httpsPost(port, '/scheduler/predicates', undefined)).toEqual({ status: 200, text: 'reached /scheduler/predicates' });
  });
});

describe('createExtenderServer against slow clients', () => {
  /** Resolves with how long the server kept a socket that sends `bytes` and then nothing. */
  async function heldFor(port: number, bytes: string): Promise<number> {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    if (bytes !== '') socket.write(bytes);
    socket.resume();
    await once(socket, 'close');
    return performance.now() - started;
  }

  it('cuts off clients that stall in the headers, in the body, or say nothing, and answers others meanwhile', async () => {
    const { port } = await start(SETTINGS);
    const stalled = [
      heldFor(port, 'POST /scheduler/predicates HTTP/1.1\r\nHost: x\r\n'),
      heldFor(port, 'POST /scheduler/predicates HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"Pod":'),
      heldFor(port, ''),
    ];
    const meanwhile = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await meanwhile.text()).toBe('reached /healthz');
    const held = await Promise.all(stalled);
    console.log(`[server.test] stalled clients held for ${held.map((ms) => `${Math.round(ms)} ms`).join(', ')} (headers timeout 300 ms, request timeout 600 ms)`);
    expect(held).toHaveLength(3);
  });
});
