import { describe, expect, it } from 'vitest';
import { CommandRegistry } from './command-registry.js';
import { CommandTimeoutError, createLocalExecutor } from './executor.js';

describe('CommandRegistry', () => {
  it('lists a command as hung only once it is past its deadline, and forgets it at exit', () => {
    let nowMs = 1000;
    const registry = new CommandRegistry(() => nowMs);
    const done = registry.begin(['lvm', 'lvcreate', 'vg'], 5000);
    nowMs += 5000;
    expect(registry.hung()).toEqual([]);
    nowMs += 1;
    expect(registry.hung()).toEqual([{ command: 'lvm lvcreate', argv: ['lvm', 'lvcreate', 'vg'], runningSeconds: 5 }]);
    done();
    expect(registry.hung()).toEqual([]);
    expect(registry.size).toBe(0);
  });
});

describe('createLocalExecutor deadlines', () => {
  it('rejects with CommandTimeoutError at the deadline and unregisters the killed process', async () => {
    const registry = new CommandRegistry(() => performance.now());
    const executor = createLocalExecutor({ registry, defaultTimeoutMs: 200 });
    const started = performance.now();
    await expect(executor.run(['sleep', '30'])).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(performance.now() - started).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(registry.size).toBe(0);
  });

  it('a call of its own timeoutMs beats the default, and a quick command is unaffected', async () => {
    const executor = createLocalExecutor({ defaultTimeoutMs: 60_000 });
    await expect(executor.run(['sleep', '30'], { timeoutMs: 100 })).rejects.toThrow(/did not finish within 100 ms/);
    expect((await executor.run(['true'])).exitCode).toBe(0);
  });
});
