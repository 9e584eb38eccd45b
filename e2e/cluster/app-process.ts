// Process specs for our own apps (agent, controller, extender, CSI plugin), found by package name and `bin`
// entry, run with this Node; start them with Cluster.startProcess or a ProcessGroup.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ProcessSpec } from './process-group.js';
import { repoRoot } from './paths.js';

export interface AppProcessOptions {
  /** Process/log name, e.g. `agent-node-a`. */
  readonly name: string;
  /** Workspace package, e.g. `@openlocal/agent`. */
  readonly packageName: string;
  /** Which `bin` entry (default: the only one). */
  readonly bin?: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly stopGraceMs?: number;
}

function readBins(packageJsonPath: string, packageName: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { bin?: string | Record<string, string> };
  if (typeof manifest.bin === 'string') return { [packageName.replace(/^@[^/]+\//, '')]: manifest.bin };
  return manifest.bin ?? {};
}

/** Resolves the app's built entry point; throws naming what is missing (package, bin entry, or build). */
export function resolveAppBin(packageName: string, bin?: string): string {
  if (!/^@openlocal\/[a-z0-9-]+$/.test(packageName)) {
    throw new Error(`packageName must be an @openlocal/<name> workspace package, got ${JSON.stringify(packageName)}`);
  }
  const packageJsonPath = join(repoRoot(), 'node_modules', packageName, 'package.json');
  if (!existsSync(packageJsonPath)) throw new Error(`package ${packageName} is not installed in the workspace (run scripts/setup)`);
  const bins = readBins(packageJsonPath, packageName);
  const names = Object.keys(bins);
  // The app's own bin is the only one, or the one named after the package (the extender also ships a CLI).
  const appBin = `open-local-${packageName.replace(/^@openlocal\//, '')}`;
  const chosen = bin ?? (names.length === 1 ? names[0] : names.find((name) => name === appBin));
  const relative = chosen === undefined ? undefined : bins[chosen];
  if (relative === undefined) {
    throw new Error(`package ${packageName} has no bin ${JSON.stringify(bin ?? `(single, or ${appBin})`)}; it declares ${JSON.stringify(names)}`);
  }
  const path = resolve(dirname(packageJsonPath), relative);
  if (!existsSync(path)) throw new Error(`${packageName} is not built: ${path} is missing (run scripts/setup or npm run build)`);
  return path;
}

/** Pure apart from the lookup: the spec that runs the app's bin with this Node binary. */
export function appProcessSpec(options: AppProcessOptions): ProcessSpec {
  return {
    name: options.name,
    command: process.execPath,
    args: [resolveAppBin(options.packageName, options.bin), ...options.args],
    env: options.env,
    stopGraceMs: options.stopGraceMs,
  };
}
