import { describe, expect, it } from 'vitest';
import { createLocalExecutor, createNsenterExecutor, ExecError } from './executor.js';
import { createRecordingExecutor } from './testing.js';

describe('createLocalExecutor', () => {
  const executor = createLocalExecutor();

  it('passes argv without a shell: metacharacters stay literal', async () => {
    const result = await executor.run(['echo', '$(id);', '&&', '*']);
    expect(result).toEqual({ stdout: '$(id); && *\n', stderr: '', exitCode: 0 });
  });

  it('returns a non-zero exit code as a result', async () => {
    expect((await executor.run(['false'])).exitCode).toBe(1);
  });

  it('runs with LC_ALL=C and the per-call env', async () => {
    const result = await executor.run(['env'], { env: { LVM_SYSTEM_DIR: '/tmp/x' } });
    expect(result.stdout).toMatch(/^LC_ALL=C$/m);
    expect(result.stdout).toMatch(/^LVM_SYSTEM_DIR=\/tmp\/x$/m);
  });

  it('kills the child when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = executor.run(['sleep', '30'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(ExecError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a missing program is an ExecError naming it', async () => {
    await expect(executor.run(['openlocal-no-such-program'])).rejects.toThrow(/openlocal-no-such-program/);
  });

  it('feeds stdin', async () => {
    expect((await executor.run(['cat'], { stdin: 'n\n' })).stdout).toBe('n\n');
  });
});

describe('createNsenterExecutor', () => {
  it('prefixes nsenter into the target namespaces as argv', async () => {
    const recorder = createRecordingExecutor({ run: () => Promise.resolve({ stdout: '', stderr: '', exitCode: 0 }) });
    await createNsenterExecutor({ inner: recorder }).run(['lvm', 'vgs']);
    expect(recorder.recordings[0]?.argv).toEqual(['nsenter', '--target=1', '--mount', '--ipc', '--net', '--uts', '--', 'lvm', 'vgs']);
  });

  it('refuses a bad target pid', () => {
    expect(() => createNsenterExecutor({ targetPid: 0 })).toThrow(/targetPid/);
  });
});
