// A level-triggered wake-up: fire() wakes the current wait(), or the next one if nobody is waiting.

export class Trigger {
  private waiting: { promise: Promise<void>; resolve: () => void } | undefined;
  private isPending = false;

  fire(): void {
    const waiting = this.waiting;
    if (!waiting) {
      this.isPending = true;
      return;
    }
    this.waiting = undefined;
    waiting.resolve();
  }

  wait(): Promise<void> {
    if (this.isPending) {
      this.isPending = false;
      return Promise.resolve();
    }
    if (!this.waiting) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }
}
