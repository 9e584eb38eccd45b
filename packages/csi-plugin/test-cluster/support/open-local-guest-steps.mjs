// Runs inside the e2e/vm QEMU guest (real device-mapper) for open-local-upgrade-guest.test.ts (#15). First it
// does what Open-Local v0.7.1 did on a node, with the kubelet rung's e2e/kubelet/open-local-node.sh: the agent's
// vgcreate, the node path's `lvcreate -n NAME -L <MiB>m -Wy -y VG` (no tag), its publish (mkfs.ext4 -F -m0, mount)
// and the app's write (into the file `marker`). Then it starts our csi-plugin with
// the host's API server (--kubeconfig) and plays kubelet and external-resizer: stage, publish, read, grow, delete.
// Every step's outcome goes to $OPENLOCAL_GUEST_SHARE/report.json; the host test asserts on it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { credentials } from '@grpc/grpc-js';
import { loadCsiProto } from '../../dist/index.js';

const share = process.env.OPENLOCAL_GUEST_SHARE;
const disk = (process.env.OPENLOCAL_GUEST_DISKS ?? '').split(',')[0];
const vg = process.env.VG_NAME;
const pvName = process.env.PV_NAME;
const node = process.env.NODE_NAME;
const MiB = 2 ** 20;
const report = { steps: {} };
const save = () => writeFileSync(join(share, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
const run = (argv) => execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LVM_SUPPRESS_FD_WARNINGS: '1' } });
const lvs = () => run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '--separator', ';', '-o', 'lv_name,lv_size,lv_tags', vg]).trim();

// Open-Local's node (reference §1.7, §5.4, §5.14).
writeFileSync(join(share, 'open-local-data'), 'written under Open-Local\n');
execFileSync('bash', [join(import.meta.dirname, '..', '..', '..', '..', 'e2e', 'kubelet', 'open-local-node.sh')], {
  stdio: 'inherit',
  env: { ...process.env, OPEN_LOCAL_VG: vg, OPEN_LOCAL_DISK: disk, OPEN_LOCAL_LV: pvName, OPEN_LOCAL_LV_MIB: '64' },
});
report.openLocalLvs = lvs();
save();

// Our plugin, reading PVs and the NLS from the host's API server.
const kubeletDir = '/tmp/kubelet';
mkdirSync(kubeletDir, { recursive: true });
const socket = join(kubeletDir, 'plugins', 'local.csi.aliyun.com', 'csi.sock');
mkdirSync(join(kubeletDir, 'plugins', 'local.csi.aliyun.com'), { recursive: true });
const log = openSync(join(share, 'csi-plugin.log'), 'a');
const plugin = spawn(process.execPath, [
  join(import.meta.dirname, '..', '..', 'dist', 'main.js'),
  '--endpoint', `unix://${socket}`, '--nodeid', node, '--kubeconfig', join(share, 'kubeconfig'), '--kubelet-dir', kubeletDir,
  '--device-regexp', '^$', '--metrics-port=-1', '--registration-dir', '-', '--log-level', 'debug',
], { stdio: ['ignore', log, log] });
for (let i = 0; i < 600 && !existsSync(socket); i += 1) await new Promise((resolve) => setTimeout(resolve, 200));

const v1 = loadCsiProto().csi.v1;
const clients = { Node: new v1.Node(`unix://${socket}`, credentials.createInsecure()), Controller: new v1.Controller(`unix://${socket}`, credentials.createInsecure()) };
function call(service, method, request) {
  return new Promise((resolve) => {
    clients[service][method](request, { deadline: Date.now() + 120_000 }, (error, value) => resolve(error ? { ok: false, code: error.code, details: error.details } : { ok: true, value }));
  });
}
const capability = { mount: { fs_type: 'ext4', mount_flags: [] }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
const staging = join(kubeletDir, 'plugins', 'kubernetes.io', 'csi', 'local.csi.aliyun.com', pvName, 'globalmount');
const target = join(kubeletDir, 'pods', 'pod-1', 'volumes', 'kubernetes.io~csi', pvName, 'mount');
const context = { volumeType: 'LVM', vgName: vg };

try {
  report.steps.stage = await call('Node', 'NodeStageVolume', { volume_id: pvName, staging_target_path: staging, volume_capability: capability, volume_context: context });
  report.steps.publish = await call('Node', 'NodePublishVolume', { volume_id: pvName, staging_target_path: staging, target_path: target, volume_capability: capability, volume_context: context });
  report.dataAfterPublish = existsSync(join(target, 'marker')) ? readFileSync(join(target, 'marker'), 'utf8') : null;
  report.fsBytesBefore = statfsSync(target).blocks * statfsSync(target).bsize;
  // external-resizer's part: after ControllerExpandVolume it sets the PV's capacity, then kubelet calls NodeExpand.
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(join(share, 'kubeconfig'));
  await kubeConfig.makeApiClient(CoreV1Api).patchPersistentVolume({ name: pvName, body: { spec: { capacity: { storage: '128Mi' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  report.steps.expand = await call('Node', 'NodeExpandVolume', { volume_id: pvName, volume_path: target, capacity_range: { required_bytes: String(128 * MiB) }, volume_capability: capability });
  report.fsBytesAfter = statfsSync(target).blocks * statfsSync(target).bsize;
  report.lvsAfterGrow = lvs();
  report.dataAfterGrow = readFileSync(join(target, 'marker'), 'utf8');
  report.steps.unpublish = await call('Node', 'NodeUnpublishVolume', { volume_id: pvName, target_path: target });
  report.steps.unstage = await call('Node', 'NodeUnstageVolume', { volume_id: pvName, staging_target_path: staging });
  report.steps.delete = await call('Controller', 'DeleteVolume', { volume_id: pvName });
  report.lvsAfterDelete = lvs();
} catch (error) {
  report.error = String(error?.stack ?? error);
} finally {
  save();
  for (const client of Object.values(clients)) client.close();
  plugin.kill('SIGTERM');
}
process.exit(0);
