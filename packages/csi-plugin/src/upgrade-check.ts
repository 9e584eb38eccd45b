// `open-local-upgrade-check`: run before replacing Open-Local v0.7.1 with this project (#15). Read-only: it lists
// every Open-Local PV, whether the CSI plugin will adopt it, and what will not work with the reason; it exits
// non-zero when anything will break.
import { loadKubeConfig } from '@openlocal/kube-runtime';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createOpenLocalApi } from './adapters/open-local-api.js';
import { buildUpgradeReport, formatUpgradeReport } from './core/upgrade-report.js';

export interface UpgradeCheckOptions {
  kubeconfig: string;
  output: 'text' | 'json';
  timeoutMs: number;
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new InvalidArgumentError(`--timeout-ms ${JSON.stringify(value)} must be a positive whole number`);
  return ms;
}

/** The command's flags; --help lists them with their defaults. */
export function parseUpgradeCheckOptions(argv: readonly string[]): UpgradeCheckOptions {
  const program = new Command('open-local-upgrade-check')
    .description(
      'Before upgrading from Open-Local v0.7.1: list every Open-Local PV (driver local.csi.aliyun.com), whether the CSI plugin will adopt it, and what will not work with the reason. Read-only. Exits 1 when something will break.',
    )
    .option('--kubeconfig <path>', 'kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)', '')
    .addOption(new Option('--output <format>', 'text table or JSON').choices(['text', 'json']).default('text'))
    .option('--timeout-ms <ms>', 'deadline of each API call', parseTimeout, 10_000)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.parse([...argv]);
  const options = program.opts<{ kubeconfig: string; output: 'text' | 'json'; timeoutMs: number }>();
  return { kubeconfig: options.kubeconfig, output: options.output, timeoutMs: options.timeoutMs };
}

export async function runUpgradeCheck(argv: readonly string[], write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<void> {
  const options = parseUpgradeCheckOptions(argv);
  const api = createOpenLocalApi({ kubeConfig: loadKubeConfig(options.kubeconfig, { fallback: 'default' }), timeoutMs: options.timeoutMs });
  const [pvs, nodeNames, nls] = await Promise.all([api.listOpenLocalPvs(), api.listNodeNames(), api.listNls()]);
  const report = buildUpgradeReport({ pvs, nodeNames, nls });
  write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatUpgradeReport(report));
  if (report.broken > 0) throw new Error(`${report.broken} Open-Local PV(s) will not work after the upgrade`);
}
