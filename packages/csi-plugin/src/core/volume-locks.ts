// One operation per volume at a time. A second call for a volume that is busy is refused at once (the CSI
// spec asks for ABORTED) instead of queueing behind the first: the sidecar retries with backoff.
import { CsiError } from './errors.js';

export class VolumeLocks {
  private readonly held = new Set<string>();

  /** Takes the lock for `key` or throws IN_FLIGHT. Returns the release function. */
  acquire(key: string): () => void {
    if (this.held.has(key)) {
      throw new CsiError('IN_FLIGHT', `an operation on volume ${JSON.stringify(key)} is already in progress`);
    }
    this.held.add(key);
    let isReleased = false;
    return () => {
      if (isReleased) return;
      isReleased = true;
      this.held.delete(key);
    };
  }

  get size(): number {
    return this.held.size;
  }
}
