// The plugin as a process, started the way the DaemonSet starts it (main.ts through run.ts): it replaces a
// stale socket but never another file, serves gRPC health, keeps the socket 0600, and on SIGTERM stops cleanly
// and removes its socket.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killBinary, startBinary, waitForSocket, type PluginProcess } from './support/binary.js';
import { createCsiClient } from './support/csi-client.js';

function healthCheck(socketPath: string, service: string): Promise<string> {
  const definition = loadSync(healthProtoPath, { keepCase: true, enums: String });
  const grpc = loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => { check(req: object, cb: (e: ServiceError | null, r?: { status: string }) => void): void; close(): void } } } };
  };
  const client = new grpc.grpc.health.v1.Health(`unix://${socketPath}`, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.check({ service }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response?.status ?? '');
    }),
  );
}

describe('the plugin binary', () => {
  let dir: string;
  let running: PluginProcess | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openlocal-csi-bin-'));
  });

  afterEach(async () => {
    await killBinary(running);
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces a stale socket, serves health and CSI on a 0600 socket, and stops cleanly on SIGTERM', async () => {
    const socketPath = join(dir, 'csi.sock');
    // A socket left behind by a killed process.
    spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => process.exit(0))`]);
    expect((await stat(socketPath)).isSocket()).toBe(true);

    running = startBinary(['--endpoint', `unix://${socketPath}`, '--nodeid', 'node-bin', '--kubelet-dir', join(dir, 'kubelet'), '--vg-regexp', '^none$', '--metrics-host', '127.0.0.1', '--metrics-port=0']);
    await waitForSocket(socketPath, running);
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
    expect(await healthCheck(socketPath, 'csi.v1.Node')).toBe('SERVING');
    expect(await healthCheck(socketPath, '')).toBe('SERVING');

    const client = createCsiClient(socketPath);
    const info = await client.must<{ name: string }>('Identity', 'GetPluginInfo', {});
    client.close();
    expect(info.name).toBe('local.csi.aliyun.com');
    const port = /"port":(\d+),"msg":"serving \/metrics and \/healthz"/.exec(running.output())?.[1];
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('openlocal_csi_requests_total{method="GetPluginInfo",code="OK"} 1');
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe('ok\n');

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('"msg":"stopped"');
    await expect(stat(socketPath)).rejects.toThrow(/ENOENT/);
  });

  it('refuses to replace a file at the endpoint that is not a socket, and exits non-zero', async () => {
    const path = join(dir, 'precious.txt');
    await writeFile(path, 'do not delete');
    running = startBinary(['--endpoint', `unix://${path}`, '--nodeid', 'node-bin', '--kubelet-dir', join(dir, 'kubelet'), '--metrics-port=-1']);
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('refusing to replace');
    expect((await stat(path)).isFile()).toBe(true);
  });

  it('exits non-zero naming the flag when a flag is invalid', async () => {
    running = startBinary(['--endpoint', 'tcp://0.0.0.0:1736', '--nodeid', 'n']);
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('--endpoint must look like unix:///csi/csi.sock');
  });

  it('in controller mode serves expansion only and no Node service', async () => {
    const socketPath = join(dir, 'ctl.sock');
    running = startBinary(['--endpoint', `unix://${socketPath}`, '--mode', 'controller', '--metrics-port=0']);
    await waitForSocket(socketPath, running);
    const client = createCsiClient(socketPath);
    const caps = await client.must<{ capabilities: { rpc: { type: string } }[] }>('Controller', 'ControllerGetCapabilities', {});
    expect(caps.capabilities.map((c) => c.rpc.type)).toEqual(['EXPAND_VOLUME']);
    const expand = await client.must('Controller', 'ControllerExpandVolume', { volume_id: 'pv-1', capacity_range: { required_bytes: '1073741824', limit_bytes: '0' } });
    expect(expand).toEqual({ capacity_bytes: '1073741824', node_expansion_required: true });
    const node = await client.call('Node', 'NodeGetInfo', {});
    expect(node).toMatchObject({ ok: false, code: 12 });
    const create = await client.call('Controller', 'CreateVolume', { name: 'x', volume_capabilities: [{ mount: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } }], parameters: { volumeType: 'LVM' } });
    expect(create).toMatchObject({ ok: false, code: 12 });
    client.close();
  });
});
