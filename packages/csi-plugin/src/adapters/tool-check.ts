// Probe's check: each tool the node path runs must start and exit 0 on a harmless version query.
import type { Executor } from '@openlocal/lvm';
import type { ToolCheck } from './identity-service.js';

const TOOLS: readonly (readonly string[])[] = [
  ['lvm', 'version'],
  ['mount', '--version'],
  ['umount', '--version'],
  ['blkid', '-V'],
  ['mkfs.ext4', '-V'],
  ['mkfs.xfs', '-V'],
  ['wipefs', '--version'],
];

export function createToolCheck(executor: Executor, env: Record<string, string>): ToolCheck {
  return {
    async missingTools(signal) {
      const results = await Promise.all(
        TOOLS.map(async (argv) => {
          const result = await executor.run(argv, { signal, env }).then(
            (r) => r.exitCode,
            () => -1,
          );
          return result === 0 ? null : argv[0];
        }),
      );
      return results.filter((name): name is string => name !== undefined && name !== null);
    },
  };
}
