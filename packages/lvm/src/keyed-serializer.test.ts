import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from './keyed-serializer.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedSerializer', () => {
  it('runs tasks of one key one after another, in order', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    const gate = deferred();
    const first = serializer.run('vg1', async () => {
      events.push('first start');
      await gate.promise;
      events.push('first end');
    });
    const second = serializer.run('vg1', async () => {
      events.push('second');
    });
    await Promise.resolve();
    expect(events).toEqual(['first start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(events).toEqual(['first start', 'first end', 'second']);
  });

  it('runs tasks of different keys at the same time', async () => {
    const serializer = new KeyedSerializer();
    const gate = deferred();
    let otherRan = false;
    const blocked = serializer.run('vg1', () => gate.promise);
    await serializer.run('vg2', async () => {
      otherRan = true;
    });
    expect(otherRan).toBe(true);
    gate.resolve();
    await blocked;
  });

  it('a failed task does not block the next one and keeps its own error', async () => {
    const serializer = new KeyedSerializer();
    const failed = serializer.run('vg', () => Promise.reject(new Error('boom')));
    const next = serializer.run('vg', () => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await Promise.resolve();
    expect(serializer.activeKeys).toEqual([]);
  });
});
