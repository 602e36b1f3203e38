/**
 * One contract, every backend: each store implementation runs these same tests
 * (store-sqlite.test.ts, store-postgres.test.ts). A backend passes when it
 * behaves identically, not when it has its own tests.
 */
import { afterEach, beforeEach, describe } from "vitest";
import { defineAuditContract } from "./store-audit.contract.js";
import { defineDataContract } from "./store-data.contract.js";
import { defineDraftContract } from "./store-drafts.contract.js";
import { defineDriftContract } from "./store-drift.contract.js";
import { defineLockContract } from "./store-locks.contract.js";
import { defineSessionContract } from "./store-sessions.contract.js";
import { defineStatusPageContract } from "./store-status-page.contract.js";
import type { StateStore } from "./types.js";

export interface ContractHarness {
  /** Opened with the audit key and anchor (as the CLI and the server open it). */
  readonly store: StateStore;
  /** The HMAC key of the audit chain (kept outside the database). */
  readonly auditKey: Uint8Array;
  /**
   * Another store on the same database, as a second process would open it
   * (closed by close()); `unkeyed`: without the audit key, as versions before it wrote.
   */
  open(options?: { unkeyed?: boolean }): Promise<StateStore>;
  /** Raw SQL on the same database, bypassing the store (to tamper, or to read what is really stored). */
  sql(text: string): Promise<unknown[]>;
  close(): Promise<void>;
}

/** Builds a harness on a fresh, empty database whose stores use `clock`. */
export type HarnessFactory = (clock: () => Date) => Promise<ContractHarness>;

export interface ManualClock {
  readonly now: () => Date;
  advance(ms: number): void;
}

export function manualClock(start = "2026-01-01T00:00:00.000Z"): ManualClock {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    advance: (ms) => {
      time += ms;
    },
  };
}

/** What each part of the contract gets: the current harness and clock (fresh per test). */
export interface ContractContext {
  readonly harness: () => ContractHarness;
  readonly clock: () => ManualClock;
}

export function defineStateStoreContract(label: string, factory: HarnessFactory): void {
  describe(`state store contract: ${label}`, () => {
    let harness: ContractHarness | undefined;
    let clock = manualClock();
    beforeEach(async () => {
      clock = manualClock();
      harness = await factory(clock.now);
    });
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    const ctx: ContractContext = {
      harness: () => {
        if (harness === undefined) throw new Error("no harness: beforeEach failed");
        return harness;
      },
      clock: () => clock,
    };
    defineDataContract(ctx);
    defineLockContract(ctx);
    defineAuditContract(ctx);
    defineDriftContract(ctx);
    defineStatusPageContract(ctx);
    defineSessionContract(ctx);
    defineDraftContract(ctx);
  });
}
