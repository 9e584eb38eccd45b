// The plan book: for each claim or inline volume that is decided but not provisioned yet, the node and
// allocation it goes to, why (a filter reservation or a confirmed decision), and when it expires. Pure data;
// ClusterState decides when plans are made, confirmed and dropped.
import type { Allocation } from './types.js';

/** Why a plan exists: a filter-time reservation (expires), or a decision kube-scheduler or CSI confirmed. */
export type PlanSource = 'filter' | 'provisioning' | 'selected-node';

export interface Plan {
  node: string;
  allocation: Allocation;
  source: PlanSource;
  podUid: string | undefined;
  /** Only filter reservations expire; confirmed plans last until the PV appears or the claim goes. */
  expiresAtMs: number | undefined;
}

/** True while the plan counts: confirmed, or a reservation whose time is not up at `nowMs`. */
export function isPlanLive(plan: Plan, nowMs: number): boolean {
  return plan.expiresAtMs === undefined || plan.expiresAtMs > nowMs;
}

export class PlanBook {
  private readonly plans = new Map<string, Plan>();

  get(key: string): Plan | undefined {
    return this.plans.get(key);
  }

  set(key: string, plan: Plan): void {
    this.plans.set(key, plan);
  }

  delete(key: string): void {
    this.plans.delete(key);
  }

  /** Forgets every plan; returns the keys that had one. */
  clear(): string[] {
    const keys = [...this.plans.keys()];
    this.plans.clear();
    return keys;
  }

  /** Keys of the plans that match, collected first so the caller may change the book while it walks them. */
  keysWhere(matches: (plan: Plan) => boolean): string[] {
    const keys: string[] = [];
    for (const [key, plan] of this.plans) if (matches(plan)) keys.push(key);
    return keys;
  }

  get size(): number {
    return this.plans.size;
  }

  /** A JSON-ready copy, keyed by claim or inline-volume key. */
  toObject(): Record<string, Plan> {
    return Object.fromEntries(this.plans);
  }
}
