// Keeps the suite's daemons running the way kubelet keeps containers running: whatever ends a daemon (our
// `kill -9`, or the daemon itself — external-provisioner exits when its plugin's socket goes away) it is started
// again with the same argv after a short pause. Kills go by the PID of the child we started, never by name.
import type { ManagedProcess, ProcessSpec } from '../cluster/index.js';

interface Daemon {
  spec: ProcessSpec;
  current: ManagedProcess;
  kills: number;
  exits: number;
}

export interface SupervisorOptions {
  /** Starts a process (the cluster's startProcess: logs in the run dir, stopped with the cluster). */
  readonly start: (spec: ProcessSpec) => Promise<ManagedProcess>;
  readonly restartDelayMs: number;
  readonly log: (line: string) => void;
}

export class Supervisor {
  private readonly daemons = new Map<string, Daemon>();
  private isStopped = false;

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts `spec` under supervision. */
  async run(spec: ProcessSpec): Promise<ManagedProcess> {
    return this.adopt(spec, await this.options.start(spec));
  }

  /** Supervises a process someone else started from `spec`. */
  adopt(spec: ProcessSpec, current: ManagedProcess): ManagedProcess {
    if (this.daemons.has(spec.name)) throw new Error(`daemon ${spec.name} is supervised already`);
    const daemon: Daemon = { spec, current, kills: 0, exits: 0 };
    this.daemons.set(spec.name, daemon);
    this.watch(daemon);
    return current;
  }

  names(): string[] {
    return [...this.daemons.keys()];
  }

  /** `kill -9` of the daemon's current process (by its PID); false when it was not running at that moment. */
  kill(name: string): boolean {
    const daemon = this.daemons.get(name);
    if (daemon === undefined) throw new Error(`no daemon ${name}`);
    if (daemon.current.exitInfo() !== undefined) return false;
    try {
      process.kill(daemon.current.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
    daemon.kills += 1;
    return true;
  }

  /** Restarts the daemon with another argv (same name): the next start uses `spec`, then its process is killed. */
  respawnWith(spec: ProcessSpec): void {
    const daemon = this.daemons.get(spec.name);
    if (daemon === undefined) throw new Error(`no daemon ${spec.name}`);
    daemon.spec = spec;
    this.kill(spec.name);
  }

  /** Waits until the daemon runs again (a restart after a kill); resolves with the running process. */
  async running(name: string, timeoutMs: number): Promise<ManagedProcess> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const current = this.daemons.get(name)?.current;
      if (current !== undefined && current.exitInfo() === undefined) return current;
      if (performance.now() > deadline) throw new Error(`daemon ${name} did not come back within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Per daemon: kills we sent and exits seen (kills plus exits of its own). */
  counts(): Record<string, { kills: number; exits: number }> {
    return Object.fromEntries([...this.daemons].map(([name, d]) => [name, { kills: d.kills, exits: d.exits }]));
  }

  /** No more restarts (the cluster's stop ends the processes). */
  stop(): void {
    this.isStopped = true;
  }

  private watch(daemon: Daemon): void {
    void daemon.current.exited.then(async (exit) => {
      if (this.isStopped) return;
      daemon.exits += 1;
      this.options.log(`${daemon.spec.name} (pid ${daemon.current.pid}) ended (${exit.signal ?? `code ${String(exit.code)}`}); restarting`);
      await this.restart(daemon);
    });
  }

  private async restart(daemon: Daemon): Promise<void> {
    for (let attempt = 1; !this.isStopped; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, this.options.restartDelayMs * Math.min(attempt, 10)));
      if (this.isStopped) return;
      try {
        daemon.current = await this.options.start(daemon.spec);
        this.watch(daemon);
        return;
      } catch (error) {
        this.options.log(`restart of ${daemon.spec.name} failed (attempt ${attempt}): ${(error as Error).message}`);
      }
    }
  }
}
