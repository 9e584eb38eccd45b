import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createCommandMetrics } from './command-metrics.js';

describe('createCommandMetrics', () => {
  it('times every command and counts only the ones that failed', async () => {
    const registry = new Registry();
    const observe = createCommandMetrics(registry);
    observe({ command: 'lvm lvcreate', durationSeconds: 0.2, outcome: 'ok' });
    observe({ command: 'lvm lvcreate', durationSeconds: 0.3, outcome: 'exit-nonzero' });
    observe({ command: 'mkfs.ext4', durationSeconds: 1, outcome: 'not-run' });
    const text = await registry.metrics();
    expect(text).toContain('openlocal_command_duration_seconds_count{command="lvm lvcreate",outcome="ok"} 1');
    expect(text).toContain('openlocal_command_duration_seconds_count{command="lvm lvcreate",outcome="exit-nonzero"} 1');
    expect(text).toContain('openlocal_command_failures_total{command="lvm lvcreate",outcome="exit-nonzero"} 1');
    expect(text).toContain('openlocal_command_failures_total{command="mkfs.ext4",outcome="not-run"} 1');
    expect(text).not.toContain('openlocal_command_failures_total{command="lvm lvcreate",outcome="ok"}');
  });
});
