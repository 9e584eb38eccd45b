// Events on the agent's NLS, de-duplicated: the same warning for the same subject is sent once until it
// changes or clears, so a problem that persists across passes does not flood the API server.
import type { EventRecorder, EventTarget } from '@openlocal/kube-runtime';

export class EventSink {
  private readonly lastBySubject = new Map<string, string>();

  constructor(
    private readonly recorder: EventRecorder,
    private readonly target: () => EventTarget,
  ) {}

  /** A Warning, unless the same reason and message were already sent for `subject`. */
  async warnOnce(subject: string, reason: string, message: string): Promise<void> {
    const key = `${reason}: ${message}`;
    if (this.lastBySubject.get(subject) === key) return;
    this.lastBySubject.set(subject, key);
    await this.recorder.record({ target: this.target(), type: 'Warning', reason, message });
  }

  /** A Normal event; also clears the subject's remembered warning. */
  async normal(subject: string, reason: string, message: string): Promise<void> {
    this.lastBySubject.delete(subject);
    await this.recorder.record({ target: this.target(), type: 'Normal', reason, message });
  }

  /** Forgets subjects whose problem is gone, so it is reported again if it comes back. */
  clear(subjectPrefix: string, keep: ReadonlySet<string>): void {
    for (const subject of this.lastBySubject.keys()) if (subject.startsWith(subjectPrefix) && !keep.has(subject)) this.lastBySubject.delete(subject);
  }
}
