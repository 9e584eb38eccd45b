// Starts the plugin in this process on a real unix socket (the same startPlugin the binary uses) with a
// silent logger, and stops it; a test restarts it to prove nothing lived only in memory.
import { join } from 'node:path';
import { parseConfig, startPlugin } from '../../src/index.js';
import { pino } from 'pino';
import { createCsiClient, type CsiClient } from './csi-client.js';

/** Where the plugin lives for a test: its directory, kubelet dir, LVM view and which disks it may hand out. */
export interface PluginPlace {
  root: string;
  kubeletDir: string;
  /** Omitted: the system's LVM configuration (the QEMU guest, which sees only its own disks). */
  lvmSystemDir?: string;
  deviceRegexp: string;
}

export interface StartedPlugin {
  socketPath: string;
  client: CsiClient;
  stop(): Promise<void>;
}

export async function startTestPlugin(sandbox: PluginPlace, extraFlags: string[] = []): Promise<StartedPlugin> {
  const socketPath = join(sandbox.root, 'csi.sock');
  const config = parseConfig([
    'node',
    'csi-plugin',
    '--endpoint',
    `unix://${socketPath}`,
    '--nodeid',
    'node-a',
    '--kubelet-dir',
    sandbox.kubeletDir,
    ...(sandbox.lvmSystemDir === undefined ? [] : ['--lvm-system-dir', sandbox.lvmSystemDir]),
    '--device-regexp',
    sandbox.deviceRegexp,
    '--mount-dir',
    join(sandbox.root, 'mnt'),
    '--metrics-port=-1',
    ...extraFlags,
  ]);
  const server = await startPlugin(config, pino({ level: process.env.CSI_TEST_LOG_LEVEL ?? 'silent' }));
  const client = createCsiClient(socketPath);
  return {
    socketPath,
    client,
    stop: async () => {
      client.close();
      await server.close(2000);
    },
  };
}
