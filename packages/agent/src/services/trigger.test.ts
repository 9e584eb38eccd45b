import { describe, expect, it } from 'vitest';
import { Trigger } from './trigger.js';

async function isSettled(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
  return settled;
}

describe('Trigger', () => {
  it('wakes a waiter when fired', async () => {
    const trigger = new Trigger();
    const waiting = trigger.wait();
    expect(await isSettled(waiting)).toBe(false);
    trigger.fire();
    expect(await isSettled(waiting)).toBe(true);
  });

  it('remembers a fire with no waiter for the next wait, once', async () => {
    const trigger = new Trigger();
    trigger.fire();
    trigger.fire();
    expect(await isSettled(trigger.wait())).toBe(true);
    expect(await isSettled(trigger.wait())).toBe(false);
  });

  it('a second wait while one is pending is woken by the same fire', async () => {
    const trigger = new Trigger();
    const first = trigger.wait();
    const second = trigger.wait();
    trigger.fire();
    expect([await isSettled(first), await isSettled(second)]).toEqual([true, true]);
  });
});
