// Which commands are running on this node right now, and which have outlived their deadline. A process stuck
// in uninterruptible sleep on a dead disk ignores SIGKILL, so its caller gets a timeout while the process
// stays: the registry keeps listing it until it really exits, and health endpoints report it as hung.
import { commandName } from './observed-executor.js';

/** One command that is still running past its deadline. */
export interface HungCommand {
  command: string;
  argv: readonly string[];
  runningSeconds: number;
}

interface Entry {
  argv: readonly string[];
  startedMs: number;
  deadlineMs: number;
}

/** Counts running commands; `hung(nowMs)` lists those past their deadline. The clock is injected. */
export class CommandRegistry {
  private readonly running = new Map<number, Entry>();
  private nextId = 0;

  constructor(private readonly now: () => number) {}

  /** Records a start; the returned function records the exit (call it once the process is gone). */
  begin(argv: readonly string[], timeoutMs: number): () => void {
    const id = this.nextId++;
    const startedMs = this.now();
    this.running.set(id, { argv: [...argv], startedMs, deadlineMs: startedMs + timeoutMs });
    return () => {
      this.running.delete(id);
    };
  }

  /** Commands still running after their deadline, oldest first. */
  hung(): HungCommand[] {
    const nowMs = this.now();
    return [...this.running.values()]
      .filter((entry) => nowMs > entry.deadlineMs)
      .sort((a, b) => a.startedMs - b.startedMs)
      .map((entry) => ({ command: commandName(entry.argv), argv: entry.argv, runningSeconds: Math.round((nowMs - entry.startedMs) / 1000) }));
  }

  /** How many commands are running, hung or not. */
  get size(): number {
    return this.running.size;
  }
}
