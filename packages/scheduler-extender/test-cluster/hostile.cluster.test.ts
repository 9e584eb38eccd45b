// Issue #16 on the cluster rung: hostile clients against a running extender while a real kube-scheduler
// (ignorable: false, so every pod goes through the extender) schedules real pods — forged pods with huge
// inline volumes and real claims, provisioning requests that try to pin a pending claim, oversized bodies
// (declared and streamed), slow clients and a flood of requests. Afterwards every real pod is where an
// unattacked extender would put it, no forged reservation is charged, the pending claim was never pinned
// and the extender's memory stayed bounded (printed). Then kube-scheduler talks to a second extender over
// mTLS (the harness CA; kube-scheduler's extender tlsConfig), and a client without a certificate is refused.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { once } from 'node:events';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, freePorts, waitFor, type Cluster } from '@openlocal/e2e/cluster';
import { extenderStanza, startExtender, startExtenderCluster, suiteSkipReason } from './extender-cluster.js';
import { GI, STORAGE_CLASS, createPodWithClaims, extenderUsage, selectedNodes, storageClassManifest, writeNls } from './fixtures.js';

const NODES = { 'hostile-a': 100, 'hostile-b': 100 };
const PLAIN = 'openlocal-hostile';
const MTLS = 'openlocal-mtls';
const MiB = 2 ** 20;
/** The attacked extender's limits, small enough that the test reaches them. */
const LIMITS = { maxBodyBytes: 4 * MiB, maxBufferedBytes: 16 * MiB, maxInFlight: 32, headersTimeoutS: 2, requestTimeoutS: 4 };
/** The streamed body's size, and the peak growth the extender's RSS must stay under while it is refused: buffering it would pass this. */
const STREAMED_BYTES = 64 * MiB;
const PEAK_GROWTH_BOUND = 32 * MiB;

const reason = await suiteSkipReason();
if (reason !== null) console.log(`[scheduler-extender:cluster hostile] skipping: ${reason}`);

/** Resolves when the socket closes, whatever error came first (events.once would reject on 'error'). */
function closeOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Sends `head` (and optionally some body) on a raw socket and resolves with the status line, or "closed". */
async function rawRequest(port: number, head: string, body?: Buffer): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const closed = closeOf(socket);
  socket.write(head);
  if (body !== undefined) socket.write(body);
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  await closed;
  return text === '' ? 'closed' : (text.split('\r\n')[0] ?? '');
}

/** Opens a connection that sends part of a request's headers and then one byte a second, as slowloris does. */
function slowClient(port: number): { socket: Socket; closedAfterMs: Promise<number> } {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.once('connect', () => socket.write('POST /scheduler/predicates HTTP/1.1\r\nHost: x\r\n'));
  const drip = setInterval(() => socket.writable && socket.write('X'), 1000);
  const closedAfterMs = closeOf(socket).then(() => {
    clearInterval(drip);
    return performance.now() - started;
  });
  return { socket, closedAfterMs };
}

/** A field of /proc/<pid>/status in bytes (VmRSS: resident now; VmHWM: the peak since start or the last reset). */
function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kib === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/** Resets the process's peak RSS (VmHWM) to its current RSS: `5` to /proc/<pid>/clear_refs (Linux ≥ 4.0). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** POSTs `bytes` of spaces to the filter route as a chunked stream (no Content-Length); resolves with the status, -1 when cut. */
function streamedPost(port: number, bytes: number): Promise<number> {
  return fetch(`http://127.0.0.1:${port}/scheduler/predicates`, {
    method: 'POST',
    body: new ReadableStream({
      start(controller) {
        for (let sent = 0; sent < bytes; sent += MiB) controller.enqueue(new Uint8Array(MiB).fill(32));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit).then((r) => r.status).catch(() => -1);
}

async function residentBytes(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
}

function forgedPod(name: string, volumes: object[]): object {
  return { metadata: { namespace: 'default', name, uid: `forged-${name}` }, spec: { volumes, containers: [{ name: 'c', image: 'x' }] } };
}

describe.skipIf(reason !== null)('a hostile client cannot deny scheduling (issue #16)', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let plainPort = 0;
  let mtlsPort = 0;
  let hostilePid = 0;
  let bufferingPid = 0;
  let bufferingPort = 0;

  beforeAll(async () => {
    cluster = await startExtenderCluster('hostile', Object.keys(NODES), [storageClassManifest()]);
    kubeConfig = cluster.kubeConfig;
    for (const [node, gi] of Object.entries(NODES)) await writeNls(kubeConfig, node, { pool: gi });
    [plainPort, mtlsPort, bufferingPort] = (await freePorts(3)) as [number, number, number];
    const common = ['--strategy', 'binpack', '--reservation-ttl', '3'];
    const limits = [
      '--max-body-bytes', String(LIMITS.maxBodyBytes), '--max-buffered-bytes', String(LIMITS.maxBufferedBytes), '--max-in-flight', String(LIMITS.maxInFlight),
      '--headers-timeout', String(LIMITS.headersTimeoutS), '--request-timeout', String(LIMITS.requestTimeoutS),
    ];
    const { pki } = cluster;
    const tls = ['--tls-cert-file', pki.servingCert, '--tls-private-key-file', pki.servingKey, '--tls-client-ca-file', pki.caCert];
    // Both started before waiting: the mTLS one's readiness is asked over TLS below.
    hostilePid = (await startExtender(cluster, { name: 'extender-hostile', port: plainPort, args: [...common, ...limits], isReadyAwaited: false })).pid;
    await startExtender(cluster, { name: 'extender-mtls', port: mtlsPort, args: [...common, ...tls], isReadyAwaited: false });
    // The control for the memory bound: limits that let it read the 64 MiB body whole, as a server that buffers does.
    const buffering = ['--max-body-bytes', String(2 * STREAMED_BYTES), '--max-buffered-bytes', String(4 * STREAMED_BYTES)];
    bufferingPid = (await startExtender(cluster, { name: 'extender-buffering', port: bufferingPort, args: [...common, ...buffering] })).pid;
    const ca = readFileSync(pki.caCert);
    await waitFor({ what: 'both extenders ready', timeoutMs: 60_000 }, async () => {
      const plain = await fetch(`http://127.0.0.1:${plainPort}/readyz`).then((r) => r.status).catch(() => 0);
      const secure = await httpsStatus(mtlsPort, '/readyz', { ca });
      return plain === 200 && secure === 200 ? { done: true, value: true } : { done: false, observed: { plain, secure } };
    });
    await cluster.startScheduler({ schedulerName: PLAIN, extenders: [extenderStanza(`http://127.0.0.1:${plainPort}/scheduler`, { isIgnorable: false })] });
    await cluster.startScheduler({
      schedulerName: MTLS,
      extenders: [{ ...extenderStanza(`https://127.0.0.1:${mtlsPort}/scheduler`, { isIgnorable: false }), tlsConfig: { certFile: pki.adminCert, keyFile: pki.adminKey, caFile: pki.caCert } }],
    });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('forged pods, pinned claims, oversized bodies, slow clients and a flood change nothing for real pods', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'hostile');
    try {
      const ns = namespace.name;
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const before = await residentBytes(plainPort);
      // A pending claim no pod uses yet: the attacker tries to pin it to hostile-a through the provisioning route.
      await core.createNamespacedPersistentVolumeClaim({
        namespace: ns,
        body: { metadata: { name: 'pinned' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASS, resources: { requests: { storage: '90Gi' } } } },
      });
      await waitFor({ what: 'the extender to see claim pinned', timeoutMs: 30_000 }, async () => {
        const response = await fetch(`http://127.0.0.1:${plainPort}/apis/scheduling/${ns}/persistentvolumeclaims/pinned?nodeName=hostile-a`, { method: 'POST' });
        return response.status === 200 ? { done: true, value: true } : { done: false, observed: response.status };
      });
      // Asking is answered, but nothing is recorded: the claim is not pinned and nothing is charged.
      const plans = (await (await fetch(`http://127.0.0.1:${plainPort}/cache`)).json()) as { plans: Record<string, unknown> };
      expect(plans.plans[`${ns}/pinned`]).toBeUndefined();
      expect(await extenderUsage(plainPort)).toEqual({ 'hostile-a': { pool: 0 }, 'hostile-b': { pool: 0 } });

      const slow = Array.from({ length: 40 }, () => slowClient(plainPort));
      const post = (body: object): Promise<number> =>
        fetch(`http://127.0.0.1:${plainPort}/scheduler/predicates`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })
          .then((r) => r.status)
          .catch(() => -1);
      // Forged pods: made-up ones with 95Gi inline volumes, and one naming the pinned claim, on every node.
      const inline = { name: 'big', csi: { driver: 'local.csi.aliyun.com', volumeAttributes: { vgName: 'pool', size: '95Gi' } } };
      const forged = Array.from({ length: 200 }, (_, i) =>
        post({ Pod: forgedPod(`f-${i}`, i % 2 === 0 ? [inline] : [{ name: 'd', persistentVolumeClaim: { claimName: 'pinned' } }]), NodeNames: Object.keys(NODES) }),
      );
      // The attacker keeps asking to pin the pending 90Gi claim on hostile-a during the whole attack.
      const pins = Array.from({ length: 50 }, () =>
        fetch(`http://127.0.0.1:${plainPort}/apis/scheduling/${ns}/persistentvolumeclaims/pinned?nodeName=hostile-a`, { method: 'POST' }).then((r) => r.status).catch(() => -1),
      );
      // Oversized: declared far over the limit, and streamed (chunked) over it.
      const declared = Array.from({ length: 10 }, () => rawRequest(plainPort, `POST /scheduler/predicates HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${256 * MiB}\r\n\r\n`, Buffer.from('{"Pod":')));
      const streamed = streamedPost(plainPort, STREAMED_BYTES);
      // The real workload: four 40Gi pods; binpack puts two on each 100Gi node.
      const names = ['real-0', 'real-1', 'real-2', 'real-3'];
      for (const name of names) await createPodWithClaims(kubeConfig, { namespace: ns, name, sizes: ['40Gi'], schedulerName: PLAIN });

      const forgedStatuses = await Promise.all(forged);
      const pinStatuses = await Promise.all(pins);
      const declaredAnswers = await Promise.all(declared);
      const streamedStatus = await streamed;
      const placed = await waitFor({ what: 'the four real pods placed', timeoutMs: 120_000, intervalMs: 1000 }, async () => {
        const nodes = (await Promise.all(names.map((name) => selectedNodes(kubeConfig, ns, name)))).flat();
        return nodes.every((n) => n !== undefined) ? { done: true, value: nodes as string[] } : { done: false, observed: nodes };
      });
      const slowHeld = await Promise.all(slow.map((s) => s.closedAfterMs));
      const after = await residentBytes(plainPort);
      const counts = (statuses: number[]): Record<string, number> => statuses.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
      console.log(
        `[hostile] forged filter answers by status ${JSON.stringify(counts(forgedStatuses))}; pin requests ${JSON.stringify(counts(pinStatuses))}; declared-oversize answers ${JSON.stringify(counts(declaredAnswers.map((a) => (a.startsWith('HTTP/1.1 ') ? Number(a.split(' ')[1]) : -1))))}; ` +
          `streamed 64 MiB -> ${streamedStatus}; 40 slow clients cut after ${Math.round(Math.min(...slowHeld))}-${Math.round(Math.max(...slowHeld))} ms; ` +
          `extender RSS ${(before / MiB).toFixed(1)} MiB before, ${(after / MiB).toFixed(1)} MiB after`,
      );

      // Real pods: where an unattacked binpack extender puts them, two per node.
      expect([...placed].sort()).toEqual(['hostile-a', 'hostile-a', 'hostile-b', 'hostile-b']);
      // Forged pods got refusals (200 with every node failed), 429s, or a dropped connection past
      // --max-connections — never a server error; oversized bodies got 413 or a closed socket.
      expect(forgedStatuses.filter((s) => s !== 200 && s !== 429 && s !== -1)).toEqual([]);
      expect(declaredAnswers.every((a) => a.startsWith('HTTP/1.1 413') || a === 'closed')).toBe(true);
      expect(declaredAnswers.some((a) => a.startsWith('HTTP/1.1 413'))).toBe(true);
      // The streamed body is refused either for its size or, mid-flood, for the byte budget; never read whole.
      expect([413, 429, -1]).toContain(streamedStatus);
      // Slow clients were cut off by the deadlines, not kept until they gave up.
      expect(Math.max(...slowHeld)).toBeLessThan((LIMITS.requestTimeoutS + 5) * 1000);
      // Nothing forged is charged and the pending claim was never pinned: usage is exactly the real pods'.
      await waitFor({ what: 'only the real pods charged', timeoutMs: 30_000 }, async () => {
        const usage = await extenderUsage(plainPort);
        const want = { 'hostile-a': { pool: 80 * GI }, 'hostile-b': { pool: 80 * GI } };
        return JSON.stringify(usage) === JSON.stringify(want) ? { done: true, value: usage } : { done: false, observed: usage };
      });
      // Memory stayed bounded: the refused 256 MiB and 64 MiB bodies were never buffered.
      expect(after - before).toBeLessThan(LIMITS.maxBufferedBytes + 96 * MiB);
      const metrics = await (await fetch(`http://127.0.0.1:${plainPort}/metrics`)).text();
      expect(metrics).toMatch(/openlocal_extender_requests_refused_total\{reason="body-too-large"\} [1-9]/);
    } finally {
      await namespace.delete();
    }
  });

  it(`oversized and slow bodies alone raise the extender's peak RSS by less than ${PEAK_GROWTH_BOUND / MiB} MiB (/proc/<pid>/status)`, async () => {
    // Alone, so the peak is theirs: a 64 MiB streamed body (buffering it would add at least 64 MiB), ten declared
    // 256 MiB bodies with a few bytes sent, and 40 slowloris clients, all at once, three rounds.
    const rssBefore = procStatusBytes(hostilePid, 'VmRSS');
    resetPeak(hostilePid);
    const answers: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const slow = Array.from({ length: 40 }, () => slowClient(plainPort));
      const declared = Array.from({ length: 10 }, () => rawRequest(plainPort, `POST /scheduler/predicates HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${256 * MiB}\r\n\r\n`, Buffer.from('{"Pod":')));
      const streamed = await streamedPost(plainPort, STREAMED_BYTES);
      answers.push(`streamed ${streamed}`, ...(await Promise.all(declared)).map((a) => `declared ${a.split(' ')[1] ?? a}`));
      await Promise.all(slow.map((client) => client.closedAfterMs));
    }
    const peak = procStatusBytes(hostilePid, 'VmHWM');
    const rssAfter = procStatusBytes(hostilePid, 'VmRSS');
    console.log(
      `[hostile] extender pid ${hostilePid}: VmRSS ${(rssBefore / MiB).toFixed(1)} MiB before, peak (VmHWM) ${(peak / MiB).toFixed(1)} MiB during 3 rounds of a ${STREAMED_BYTES / MiB} MiB streamed body, ` +
        `ten 256 MiB declared bodies and 40 slow clients (growth ${((peak - rssBefore) / MiB).toFixed(1)} MiB, bound ${PEAK_GROWTH_BOUND / MiB} MiB), VmRSS ${(rssAfter / MiB).toFixed(1)} MiB after; ` +
        `answers ${JSON.stringify(answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a]: (acc[a] ?? 0) + 1 }), {}))}`,
    );
    expect(answers.filter((a) => a.startsWith('streamed')).every((a) => a === 'streamed 413' || a === 'streamed -1')).toBe(true);
    expect(peak - rssBefore).toBeLessThan(PEAK_GROWTH_BOUND);
  });

  it('the bound catches buffering: the same streamed body read whole (an extender whose limits allow it) passes it', async () => {
    const rssBefore = procStatusBytes(bufferingPid, 'VmRSS');
    resetPeak(bufferingPid);
    const answer = await streamedPost(bufferingPort, STREAMED_BYTES);
    const peak = procStatusBytes(bufferingPid, 'VmHWM');
    console.log(`[hostile] control: extender pid ${bufferingPid} with --max-body-bytes ${2 * STREAMED_BYTES} read the ${STREAMED_BYTES / MiB} MiB body (answer ${answer}): VmRSS ${(rssBefore / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)} MiB (growth ${((peak - rssBefore) / MiB).toFixed(1)} MiB)`);
    expect(answer).toBe(400); // read whole, then refused as JSON
    expect(peak - rssBefore).toBeGreaterThan(PEAK_GROWTH_BOUND);
  });

  it('kube-scheduler reaches the extender over mTLS; a client without a certificate is refused', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'mtls');
    try {
      await createPodWithClaims(kubeConfig, { namespace: namespace.name, name: 'secure', sizes: ['10Gi'], schedulerName: MTLS });
      const [node] = await waitFor({ what: 'the mTLS-scheduled pod placed', timeoutMs: 90_000 }, async () => {
        const nodes = await selectedNodes(kubeConfig, namespace.name, 'secure');
        return nodes.length === 1 && nodes[0] !== undefined ? { done: true, value: nodes as string[] } : { done: false, observed: nodes };
      });
      expect(Object.keys(NODES)).toContain(node);
      const ca = readFileSync(cluster.pki.caCert);
      const metrics = await httpsText(mtlsPort, '/metrics', { ca });
      // The 200s on the filter route are kube-scheduler's: every other client below is refused.
      expect(metrics).toMatch(/openlocal_extender_request_duration_seconds_count\{route="\/scheduler\/predicates",status="200"\} [1-9]/);
      const body = JSON.stringify({ Pod: forgedPod('x', []), NodeNames: Object.keys(NODES) });
      expect(await httpsStatus(mtlsPort, '/scheduler/predicates', { ca }, body)).toBe(401);
      expect(await httpsStatus(mtlsPort, '/cache', { ca })).toBe(401);
      const withCert = { ca, cert: readFileSync(cluster.pki.adminCert), key: readFileSync(cluster.pki.adminKey) };
      expect(await httpsStatus(mtlsPort, '/scheduler/predicates', withCert, body)).toBe(200);
      // Plain HTTP to the TLS port gets no answer from the extender's routes.
      expect(await fetch(`http://127.0.0.1:${mtlsPort}/scheduler/predicates`, { method: 'POST', body }).then((r) => r.status).catch(() => 'refused')).not.toBe(200);
    } finally {
      await namespace.delete();
    }
  });
});

type TlsOptions = { ca: Buffer; cert?: Buffer; key?: Buffer };

function httpsCall(port: number, path: string, tls: TlsOptions, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent: false, ...tls }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function httpsStatus(port: number, path: string, tls: TlsOptions, body?: string): Promise<number> {
  return (await httpsCall(port, path, tls, body).catch(() => ({ status: 0, text: '' }))).status;
}

async function httpsText(port: number, path: string, tls: TlsOptions): Promise<string> {
  return (await httpsCall(port, path, tls)).text;
}
