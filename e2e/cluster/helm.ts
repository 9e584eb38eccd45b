// The pinned helm (scripts/build-tools) run with an argv, its config, cache and data under a home of the caller's
// (never the user's ~/.config/helm). Used by the chart tests (charts/test) and the kubelet rung's chart install.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { toolPath } from './tools.js';

export interface HelmResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm; resolves with its exit code and output, rejects only when helm could not run at all. */
export function runHelm(args: readonly string[], options: { home: string; timeoutMs?: number }): Promise<HelmResult> {
  const env = { ...process.env, HELM_CONFIG_HOME: join(options.home, 'config'), HELM_CACHE_HOME: join(options.home, 'cache'), HELM_DATA_HOME: join(options.home, 'data') };
  return new Promise((resolvePromise, reject) => {
    execFile(toolPath('helm'), [...args], { env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`helm ${args.join(' ')} could not run: ${error.message}`, { cause: error }));
        return;
      }
      resolvePromise({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}
