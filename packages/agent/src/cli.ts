// Command-line flags → a validated Config, with Open-Local's agent flags and defaults. `--help` lists every
// flag with its default.
import { Command, Option } from 'commander';
import { z } from 'zod';

function regexp(flag: string) {
  return z.string().transform((value, ctx) => {
    try {
      return new RegExp(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `--${flag} ${JSON.stringify(value)} is not a valid regular expression: ${(error as Error).message}` });
      return z.NEVER;
    }
  });
}

const absolute = (flag: string) => z.string().startsWith('/', `--${flag} must be an absolute path`);
const seconds = (flag: string) => z.coerce.number({ message: `--${flag} must be a number of seconds` }).int(`--${flag} must be a whole number of seconds`).min(1, `--${flag} must be at least 1 second`);

export const configSchema = z.object({
  nodename: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, '--nodename is required and must be a node name (usually $(KUBE_NODE_NAME))'),
  interval: seconds('interval'),
  heartbeatInterval: seconds('heartbeat-interval'),
  commandTimeout: seconds('command-timeout'),
  diskProbeTimeout: seconds('disk-probe-timeout'),
  orphanGrace: z.coerce.number({ message: '--orphan-grace must be a number of seconds' }).int('--orphan-grace must be a whole number of seconds').min(0, '--orphan-grace must be 0 (off) or more seconds'),
  orphanRemoval: z.boolean(),
  orphanRemovalGrace: seconds('orphan-removal-grace'),
  lvname: z.string().regex(/^[A-Za-z0-9_+.][A-Za-z0-9_+.-]*$/, '--lvname must be a valid LV name prefix'),
  regexp: regexp('regexp'),
  sysfs: absolute('path.sysfs'),
  mount: absolute('path.mount'),
  kubeconfig: z.string(),
  lvmSystemDir: z.string(),
  metricsHost: z.string(),
  metricsPort: z.coerce.number().int().min(0, '--metrics-port must be 0..65535').max(65535, '--metrics-port must be 0..65535'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
});

export type Config = z.infer<typeof configSchema>;

export function buildCommand(): Command {
  return new Command('open-local-agent')
    .description('Per-node agent: discovers devices, VGs, LVs and mount points, creates configured VGs, writes NodeLocalStorage status')
    .addOption(new Option('--nodename <name>', 'this node (the NLS of the same name)').default(''))
    .addOption(new Option('--interval <seconds>', 'discovery period').default('60'))
    .addOption(new Option('--heartbeat-interval <seconds>', 'rewrite an unchanged status at most this often (state.lastHeartbeatTime)').default('300'))
    .addOption(new Option('--command-timeout <seconds>', 'deadline of each lvm, blkid, mkfs or mount process; a hung one shows on /readyz').default('120'))
    .addOption(new Option('--disk-probe-timeout <seconds>', 'every --interval a 4 KiB direct read of each PV slower than this marks its VG hung on /readyz').default('10'))
    .addOption(new Option('--orphan-grace <seconds>', 'report an LV of ours that no PV names after this long (NLS status.orphanedLogicalVolumes, openlocal_agent_orphan_lvs); 0 = off, no PV watch').default('600'))
    .addOption(new Option('--orphan-removal', 'remove orphans --orphan-removal-grace after they are reported (checking the API for a PV naming each right before)').default(false))
    .addOption(new Option('--orphan-removal-grace <seconds>', 'how long a reported orphan is kept before --orphan-removal removes it').default('3600'))
    .addOption(new Option('--lvname <prefix>', 'LVs whose name starts with this (or csi-) are Open-Local\'s').default('local'))
    .addOption(new Option('--regexp <re>', 'which /sys/block entries are reported as devices').default('^(s|v|xv)d[a-z]+$'))
    .addOption(new Option('--path.sysfs <path>', 'sysfs mount point').default('/sys'))
    .addOption(new Option('--path.mount <path>', 'parent directory of MountPoint volumes').default('/mnt/open-local'))
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig file; in-cluster config when empty').default(''))
    .addOption(new Option('--lvm-system-dir <path>', 'LVM_SYSTEM_DIR for lvm commands (a per-node lvm.conf); default: the environment\'s LVM_SYSTEM_DIR, else lvm\'s own').default(''))
    .addOption(new Option('--metrics-host <host>', 'address of /metrics and /healthz').default('0.0.0.0'))
    .addOption(new Option('--metrics-port <port>', 'port of /metrics and /healthz (0 = any free port)').default('9101'))
    .addOption(new Option('--log-level <level>', 'pino log level').choices(['trace', 'debug', 'info', 'warn', 'error']).default('info'));
}

/** Parses argv (as process.argv) into a Config; throws with every problem listed. */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Config {
  const command = buildCommand();
  command.parse([...argv]);
  const opts = command.opts<Record<string, unknown>>();
  const parsed = configSchema.safeParse({ ...opts, sysfs: opts['path.sysfs'], mount: opts['path.mount'] });
  if (!parsed.success) throw new Error(`invalid flags:\n${parsed.error.issues.map((i) => `  ${i.message}`).join('\n')}`);
  const config = parsed.data;
  if (config.lvmSystemDir === '') config.lvmSystemDir = env.LVM_SYSTEM_DIR ?? '';
  return config;
}
