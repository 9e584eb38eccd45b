// Runs tasks one at a time per key and in parallel across keys: lvm operations on one VG are serialised (lvm's
// own VG lock would make concurrent callers fail or wait unpredictably), different VGs proceed at once.

/** Serialises async tasks that share a key. */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task with the same key has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks (for tests and debugging). */
  get activeKeys(): string[] {
    return [...this.tails.keys()];
  }
}
