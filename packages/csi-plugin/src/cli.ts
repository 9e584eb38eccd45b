// Command-line flags → a validated Config. `--help` lists every flag with its default.
import { DRIVER_NAME } from '@openlocal/crd-types';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { socketPathFromEndpoint } from './core/endpoint.js';
import { registrationSocketPath, socketPathProblem } from './core/registration.js';

function regexp(name: string) {
  return z.string().transform((value, ctx) => {
    try {
      return new RegExp(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `--${name} ${JSON.stringify(value)} is not a valid regular expression: ${(error as Error).message}` });
      return z.NEVER;
    }
  });
}

/** A string flag whose error names the flag and quotes the value. */
function checked(name: string, isValid: (value: string) => boolean, requirement: string) {
  return z.string().superRefine((value, ctx) => {
    if (!isValid(value)) ctx.addIssue({ code: 'custom', message: `--${name} ${JSON.stringify(value)} ${requirement}` });
  });
}

const absolute = (name: string) => z.string().startsWith('/', `--${name} must be an absolute path`);

export const configSchema = z
  .object({
    endpoint: z.string().regex(/^unix:(\/\/)?\/.+/, '--endpoint must look like unix:///csi/csi.sock'),
    mode: z.enum(['node', 'controller']),
    nodeid: z.string(),
    driver: z.literal(DRIVER_NAME, { message: `--driver must be ${DRIVER_NAME} (the name Open-Local users have in their StorageClasses)` }),
    kubeletDir: absolute('kubelet-dir'),
    stateDir: z.string(),
    lvmSystemDir: z.string(),
    sysfs: absolute('sysfs'),
    mountDir: absolute('mount-dir'),
    cgroupRoot: absolute('cgroup-root'),
    deviceRegexp: regexp('device-regexp'),
    vgRegexp: regexp('vg-regexp'),
    extenderUrl: z.string().refine((v) => v === '' || URL.canParse(v), '--extender-url must be a URL such as http://open-local-scheduler-extender:23000'),
    extenderTimeoutMs: z.coerce.number().int().positive(),
    commandTimeoutMs: z.coerce.number().int().positive(),
    diskProbeTimeoutMs: z.coerce.number().int().positive(),
    diskProbeIntervalMs: z.coerce.number().int().nonnegative(),
    maxVolumesPerNode: z.coerce.number().int().min(0).max(1024),
    kubeconfig: z.string(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
    shutdownGraceMs: z.coerce.number().int().nonnegative(),
    metricsHost: z.string(),
    metricsPort: z.coerce.number().int().min(-1).max(65535),
    // Undefined = the default under --kubelet-dir; '-' or '' = off. Resolved by parseConfig.
    registrationDir: checked('registration-dir', (v) => v === '' || v === '-' || v.startsWith('/'), 'must be an absolute path (or - to turn registration off)').optional(),
    kubeletRegistrationPath: checked(
      'kubelet-registration-path',
      (v) => v.startsWith('/') && !/[\0\n]/.test(v),
      'must be an absolute path without a scheme, e.g. /var/lib/kubelet/plugins/local.csi.aliyun.com/csi.sock',
    ).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.mode === 'node' && config.nodeid === '') ctx.addIssue({ code: 'custom', message: '--nodeid is required in node mode (usually $(KUBE_NODE_NAME))' });
  });

/** The validated flags with every derived default filled in. */
export type Config = Omit<z.infer<typeof configSchema>, 'registrationDir' | 'kubeletRegistrationPath'> & {
  /** Where kubelet's plugin watcher looks for `<driver>-reg.sock`; '' = do not register. */
  registrationDir: string;
  /** The CSI socket path reported to kubelet. */
  kubeletRegistrationPath: string;
};

export function buildCommand(): Command {
  return new Command('open-local-csi-plugin')
    .description('CSI plugin local.csi.aliyun.com: LVM, Device and MountPoint volumes over gRPC on a unix socket')
    .addOption(new Option('--endpoint <url>', 'CSI socket').default('unix:///csi/csi.sock'))
    .addOption(new Option('--mode <mode>', 'node (Identity+Controller+Node, beside external-provisioner --node-deployment) or controller (expansion only)').choices(['node', 'controller']).default('node'))
    .addOption(new Option('--nodeid <name>', 'this node name (topology kubernetes.io/hostname)').default(''))
    .addOption(new Option('--driver <name>', 'CSI driver name').default(DRIVER_NAME))
    .addOption(new Option('--kubelet-dir <path>', 'kubelet root; publish and staging paths must be inside it').default('/var/lib/kubelet'))
    .addOption(new Option('--state-dir <path>', 'where claims of whole disks and mount points are kept (default <kubelet-dir>/plugins/local.csi.aliyun.com/claims)').default(''))
    .addOption(new Option('--lvm-system-dir <path>', 'LVM_SYSTEM_DIR for lvm commands (a per-node lvm.conf); empty = system default').default(''))
    .addOption(new Option('--sysfs <path>', 'sysfs mount point').default('/sys'))
    .addOption(new Option('--mount-dir <path>', 'directory whose child mount points are MountPoint volumes').default('/mnt/open-local'))
    .addOption(new Option('--cgroup-root <path>', 'cgroup mount root for iops/bps limits: cgroup v2 (io.max) or cgroup v1 with the blkio hierarchy at <root>/blkio').default('/sys/fs/cgroup'))
    .addOption(new Option('--device-regexp <re>', 'kernel names of disks that may become Device volumes').default('^(s|v|xv)d[a-z]+$'))
    .addOption(new Option('--vg-regexp <re>', 'volume groups this plugin may place LVs in').default('.*'))
    .addOption(new Option('--extender-url <url>', 'scheduler extender for pod-level plans; empty = local best fit').default(''))
    .addOption(new Option('--extender-timeout-ms <ms>', 'timeout of one extender call').default('10000'))
    .addOption(new Option('--command-timeout-ms <ms>', 'deadline of each lvm, mkfs, mount, blkid or wipefs process (zeroing a new LV has its own, size-scaled one)').default('120000'))
    .addOption(new Option('--disk-probe-timeout-ms <ms>', 'a 4 KiB direct read of a managed PV slower than this marks its VG hung (/readyz)').default('10000'))
    .addOption(new Option('--disk-probe-interval-ms <ms>', 'how often every managed PV is probed (0 = never)').default('30000'))
    .addOption(new Option('--max-volumes-per-node <n>', 'reported in NodeGetInfo (0 = unlimited)').default('256'))
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig for reading the PVs and the NLS of volumes Open-Local created, to adopt them; in-cluster config when empty').default(''))
    .addOption(new Option('--log-level <level>', 'pino log level').choices(['trace', 'debug', 'info', 'warn', 'error']).default('info'))
    .addOption(new Option('--shutdown-grace-ms <ms>', 'how long running calls may finish on SIGTERM').default('10000'))
    .addOption(new Option('--metrics-host <host>', 'address of /metrics and /healthz').default('0.0.0.0'))
    .addOption(new Option('--metrics-port <port>', 'port of /metrics and /healthz (0 = any free port, -1 = off; the agent uses 9101)').default('9102'))
    .addOption(
      new Option(
        '--registration-dir <path>',
        'node mode: kubelet plugin-watcher directory where <driver>-reg.sock is served so kubelet registers the driver (no node-driver-registrar needed); "-" or "" turns it off (default: <kubelet-dir>/plugins_registry)',
      ),
    )
    .addOption(new Option('--kubelet-registration-path <path>', 'the CSI socket path kubelet dials, as seen on the host (default: the path of --endpoint)'));
}

/** Fills the defaults that depend on other flags and checks what only the whole Config can tell. */
function resolve(flags: z.infer<typeof configSchema>): Config {
  const kubeletDir = flags.kubeletDir.replace(/\/+$/, '');
  const registrationDir = flags.registrationDir ?? `${kubeletDir}/plugins_registry`;
  const config: Config = {
    ...flags,
    stateDir: flags.stateDir === '' ? `${kubeletDir}/plugins/local.csi.aliyun.com/claims` : flags.stateDir,
    registrationDir: registrationDir === '-' ? '' : registrationDir,
    kubeletRegistrationPath: flags.kubeletRegistrationPath ?? socketPathFromEndpoint(flags.endpoint),
  };
  const problems = [
    { flag: 'endpoint', value: config.endpoint, problem: socketPathProblem(socketPathFromEndpoint(config.endpoint)) },
    {
      flag: 'registration-dir',
      value: config.registrationDir,
      problem: config.mode === 'node' && config.registrationDir !== '' ? socketPathProblem(registrationSocketPath(config.registrationDir, config.driver)) : null,
    },
  ].filter((p) => p.problem !== null);
  if (problems.length > 0) throw new Error(`invalid flags:\n${problems.map((p) => `  --${p.flag} ${JSON.stringify(p.value)}: ${p.problem}`).join('\n')}`);
  return config;
}

/** Parses argv (as process.argv: node, script, flags...) into a Config; throws with every problem listed. */
export function parseConfig(argv: readonly string[]): Config {
  const command = buildCommand();
  command.parse([...argv]);
  const parsed = configSchema.safeParse(command.opts());
  if (!parsed.success) throw new Error(`invalid flags:\n${parsed.error.issues.map((i) => `  ${i.message}`).join('\n')}`);
  return resolve(parsed.data);
}
