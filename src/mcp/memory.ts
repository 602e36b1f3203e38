/**
 * What this MCP server remembers between calls: the request behind each
 * planId it handed out (so `apply` can take just the planId instead of the
 * whole spec again) and the last plan per app and environment (a resource).
 * Per actor, bounded, in this process only: a miss is answered with a hint
 * to plan again or pass the input. It decides nothing: the service checks
 * every planId against what it would plan now.
 */
import type { PlanRequest } from "../service/types.js";

export interface RememberedPlan {
  /** For an apply: the words or spec planned. */
  readonly request?: PlanRequest;
  readonly app: string;
  readonly environment: string;
  /** The compact plan as the tool answered it. */
  readonly answer: unknown;
}

const MAX_ENTRIES = 200;

export class PlanMemory {
  private readonly byId = new Map<string, RememberedPlan>();
  private readonly lastByEnv = new Map<string, RememberedPlan>();

  remember(actor: string, planId: string, plan: RememberedPlan): void {
    put(this.byId, `${actor}\n${planId}`, plan);
    put(this.lastByEnv, `${actor}\n${plan.app}\n${plan.environment}`, plan);
  }

  byPlanId(actor: string, planId: string): RememberedPlan | undefined {
    return this.byId.get(`${actor}\n${planId}`);
  }

  last(actor: string, app: string, environment: string): RememberedPlan | undefined {
    return this.lastByEnv.get(`${actor}\n${app}\n${environment}`);
  }
}

/** Insertion order is age: the oldest entry goes first once the map is full. */
function put<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}
