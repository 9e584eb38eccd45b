// The plugin registers itself with kubelet (pluginregistration v1), as node-driver-registrar would. This file
// plays kubelet's plugin watcher over real gRPC on real unix sockets: it dials <driver>-reg.sock, checks
// GetInfo, dials the endpoint GetInfo names and calls CSI there (as kubelet does right after GetInfo), and
// sends both verdicts; it also proves the ordering (the CSI socket serves before the registration socket
// appears), socket hygiene and the bad inputs.
import { spawnSync } from 'node:child_process';
import { watch, statSync, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { parseConfig, startPlugin, type RunningPlugin } from '../src/index.js';
import { killBinary, startBinary, waitForSocket, type PluginProcess } from './support/binary.js';
import { createCsiClient } from './support/csi-client.js';
import { createRegistrationClient } from './support/registration-client.js';

const DRIVER = 'local.csi.aliyun.com';
const REG_SOCKET = `${DRIVER}-reg.sock`;

/** A socket file left behind by a process that died: nothing listens on it any more. */
function leaveStaleSocket(path: string): void {
  spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`]);
}

/** A logger whose JSON lines the test can read. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

async function metricsText(port: number | undefined): Promise<string> {
  if (port === undefined) throw new Error('metrics are off');
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

describe('kubelet plugin registration', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ol-reg-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function start(flags: string[], logger = pino({ level: 'silent' })): Promise<RunningPlugin> {
    const config = parseConfig(['node', 'csi-plugin', '--nodeid', 'node-reg', '--kubelet-dir', join(dir, 'kubelet'), '--metrics-host', '127.0.0.1', '--metrics-port=0', ...flags]);
    const plugin = await startPlugin(config, logger);
    onTestFinished(() => plugin.close(1000));
    return plugin;
  }

  it('answers GetInfo with the live CSI socket, which serves Identity and Node, and records both verdicts', async () => {
    const csiSocket = join(dir, 'kubelet', 'plugins', DRIVER, 'csi.sock');
    const { logger, lines } = capturedLogger();
    // The default registration dir (<kubelet-dir>/plugins_registry) does not exist yet: the plugin creates it.
    const plugin = await start(['--endpoint', `unix://${csiSocket}`], logger);
    const regSocket = join(dir, 'kubelet', 'plugins_registry', REG_SOCKET);
    expect(plugin.registrationSocketPath).toBe(regSocket);
    expect((await stat(regSocket)).isSocket()).toBe(true);
    expect((await stat(regSocket)).mode & 0o777).toBe(0o600);

    const kubelet = createRegistrationClient(regSocket);
    onTestFinished(() => kubelet.close());
    const info = await kubelet.getInfo();
    expect(info).toEqual({ type: 'CSIPlugin', name: DRIVER, endpoint: csiSocket, supported_versions: ['1.0.0'] });

    // Kubelet's CSI handler dials the endpoint as a plain path and asks who is there and which node this is.
    const csi = createCsiClient(info.endpoint);
    onTestFinished(() => csi.close());
    expect(await csi.must('Identity', 'GetPluginInfo', {})).toMatchObject({ name: info.name });
    expect(await csi.must('Node', 'NodeGetInfo', {})).toMatchObject({ node_id: 'node-reg' });

    expect(await kubelet.notify({ plugin_registered: true })).toEqual({});
    let metrics = await metricsText(plugin.metricsPort);
    expect(metrics).toContain('openlocal_csi_kubelet_registration_total{result="registered"} 1');
    expect(metrics).toContain('openlocal_csi_kubelet_registered 1');
    expect(lines.some((l) => l.msg === 'kubelet registered the driver' && l.level === 30)).toBe(true);

    const refusal = 'RegisterPlugin error -- plugin registration failed with err: highest supported version reported is 2.0.0';
    expect(await kubelet.notify({ plugin_registered: false, error: refusal })).toEqual({});
    metrics = await metricsText(plugin.metricsPort);
    expect(metrics).toContain('openlocal_csi_kubelet_registration_total{result="failed"} 1');
    expect(metrics).toContain('openlocal_csi_kubelet_registered 0');
    const warning = lines.find((l) => l.level === 40 && l.kubeletError === refusal);
    expect(warning?.msg).toBe(`kubelet refused to register the driver: ${refusal}`);

    // The plugin stays up after a refusal (kubelet retries); closing removes both sockets.
    expect(await csi.must('Identity', 'GetPluginInfo', {})).toMatchObject({ name: DRIVER });
    expect(await kubelet.getInfo()).toEqual(info);
    await plugin.close(1000);
    await expect(stat(regSocket)).rejects.toThrow(/ENOENT/);
    await expect(stat(csiSocket)).rejects.toThrow(/ENOENT/);
  });

  it('reports --kubelet-registration-path, not the container-side --endpoint, when given', async () => {
    const plugin = await start(['--endpoint', `unix://${join(dir, 'csi.sock')}`, '--kubelet-registration-path', '/var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock']);
    const kubelet = createRegistrationClient(plugin.registrationSocketPath ?? '');
    onTestFinished(() => kubelet.close());
    expect((await kubelet.getInfo()).endpoint).toBe('/var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock');
  });

  it('refuses a file at the registration path that is not a socket, keeps it, and leaves no CSI socket behind', async () => {
    const registry = join(dir, 'registry');
    await mkdir(registry);
    await writeFile(join(registry, REG_SOCKET), 'not a socket');
    const csiSocket = join(dir, 'csi.sock');
    const config = parseConfig(['node', 'x', '--nodeid', 'n', '--kubelet-dir', join(dir, 'kubelet'), '--endpoint', `unix://${csiSocket}`, '--registration-dir', registry, '--metrics-port=-1']);
    await expect(startPlugin(config, pino({ level: 'silent' }))).rejects.toThrow(`refusing to replace ${join(registry, REG_SOCKET)}: it exists and is not a socket`);
    expect(await readFile(join(registry, REG_SOCKET), 'utf8')).toBe('not a socket');
    await expect(stat(csiSocket)).rejects.toThrow(/ENOENT/);
  });

  it('never takes over a registration socket another live process serves (a second plugin on the node)', async () => {
    const registry = join(dir, 'registry');
    await mkdir(registry);
    const other: Server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => other.listen(join(registry, REG_SOCKET), resolve));
    onTestFinished(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const config = parseConfig(['node', 'x', '--nodeid', 'n', '--kubelet-dir', join(dir, 'kubelet'), '--endpoint', `unix://${join(dir, 'csi.sock')}`, '--registration-dir', registry, '--metrics-port=-1']);
    await expect(startPlugin(config, pino({ level: 'silent' }))).rejects.toThrow('another process is serving it');
    expect(other.listening).toBe(true);
    expect((await stat(join(registry, REG_SOCKET))).isSocket()).toBe(true);
  });

  it.each([
    { name: 'controller mode serves no registration socket', flags: ['--mode', 'controller', '--registration-dir', '{registry}'] },
    { name: '--registration-dir - turns registration off', flags: ['--registration-dir', '-'] },
    { name: 'an empty --registration-dir turns registration off', flags: ['--registration-dir='] },
  ])('$name', async ({ flags }) => {
    const registry = join(dir, 'registry');
    await mkdir(registry);
    const plugin = await start(['--endpoint', `unix://${join(dir, 'csi.sock')}`, ...flags.map((f) => f.replace('{registry}', registry))]);
    expect(plugin.registrationSocketPath).toBeUndefined();
    expect(await readdir(registry)).toEqual([]);
    await expect(stat(join(dir, 'kubelet', 'plugins_registry'))).rejects.toThrow(/ENOENT/);
  });
});

describe('kubelet plugin registration by the binary', () => {
  let dir: string;
  let running: PluginProcess | undefined;
  let watcher: FSWatcher | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ol-regbin-'));
  });

  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await killBinary(running);
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces a stale registration socket only after the CSI socket serves, and withdraws it on SIGTERM', async () => {
    const registry = join(dir, 'plugins_registry');
    await mkdir(registry);
    const regSocket = join(registry, REG_SOCKET);
    const csiSocket = join(dir, 'csi.sock');
    leaveStaleSocket(regSocket);
    expect((await stat(regSocket)).isSocket()).toBe(true);

    // Like kubelet's fsnotify watch: at the moment the registration socket is created, is the CSI socket there?
    const csiAtCreation: boolean[] = [];
    watcher = watch(registry, (_event, name) => {
      if (name !== REG_SOCKET) return;
      const isReg = statSync(regSocket, { throwIfNoEntry: false })?.isSocket() ?? false;
      if (isReg) csiAtCreation.push(statSync(csiSocket, { throwIfNoEntry: false })?.isSocket() ?? false);
    });

    running = startBinary(['--endpoint', `unix://${csiSocket}`, '--nodeid', 'node-bin', '--kubelet-dir', dir, '--metrics-port=-1']);
    await waitForSocket(regSocket, running, 'serving kubelet registration');
    expect(csiAtCreation.length).toBeGreaterThan(0);
    expect(csiAtCreation.every(Boolean)).toBe(true);
    expect(running.output().indexOf('"msg":"serving CSI"')).toBeLessThan(running.output().indexOf('"msg":"serving kubelet registration"'));

    const kubelet = createRegistrationClient(regSocket);
    const info = await kubelet.getInfo();
    kubelet.close();
    expect(info).toEqual({ type: 'CSIPlugin', name: DRIVER, endpoint: csiSocket, supported_versions: ['1.0.0'] });
    const csi = createCsiClient(info.endpoint);
    expect(await csi.must('Identity', 'GetPluginInfo', {})).toMatchObject({ name: DRIVER });
    csi.close();

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    await expect(stat(regSocket)).rejects.toThrow(/ENOENT/);
    await expect(stat(csiSocket)).rejects.toThrow(/ENOENT/);
  });

  it('exits non-zero naming --kubelet-registration-path when it is relative, before serving anything', async () => {
    running = startBinary(['--endpoint', `unix://${join(dir, 'csi.sock')}`, '--nodeid', 'n', '--kubelet-dir', dir, '--kubelet-registration-path', 'plugins/csi.sock']);
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('--kubelet-registration-path "plugins/csi.sock" must be an absolute path');
    expect(await readdir(dir)).toEqual([]);
  });
});
