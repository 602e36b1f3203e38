/**
 * One reading of a request: every pass over the tokens in a fixed order.
 * The order matters: shapes that are sure (region codes, schedules, env
 * assignments, URLs, money) go first so that later, looser passes never
 * re-read their words ("us-east-1" is not "us"; "every 15 minutes" is not
 * a replica count).
 */

import type { Mention, Prop } from "../mentions/mention-types.js";
import { findMentions } from "../mentions/mentions.js";
import { splitNegated } from "../mentions/negation.js";
import {
  findCpu,
  findFlagProps,
  findHealth,
  findPorts,
  findScheduleProps,
  findShapedProps,
  findSizes,
  findVersions,
} from "../props/props.js";
import { findReplicas } from "../props/props-replicas.js";
import { findAutoscale } from "../props/props-scale.js";
import { Ctx, type ReadMode } from "../tokens/context.js";
import { tokenize } from "../tokens/tokenizer.js";
import { type ActionReading, findAction } from "./actions.js";
import { type PlatformReading, readPlatform, readRegionCodes } from "./platform.js";
import {
  type AppNameReading,
  type BudgetReading,
  type EnvReading,
  findAppName,
  findBudget,
  findEnvironment,
  findMonitoring,
} from "./settings.js";

/** Longer texts are read up to here: requests are sentences, not documents. */
export const MAX_TEXT = 10_000;

export interface Reading {
  readonly ctx: Ctx;
  readonly mentions: readonly Mention[];
  /** What the words rule out ("no database", "instead of MySQL"). */
  readonly negated: readonly Mention[];
  readonly props: readonly Prop[];
  readonly env?: EnvReading;
  readonly budget?: BudgetReading;
  readonly monitoring?: boolean;
  readonly platform: PlatformReading;
  readonly appName?: AppNameReading;
  readonly action: ActionReading;
}

export function read(text: string, mode: ReadMode = {}): Reading {
  const ctx = new Ctx(tokenize(text.slice(0, MAX_TEXT)), mode);
  const action = findAction(ctx);
  const codes = readRegionCodes(ctx);
  const props: Prop[] = [...findScheduleProps(ctx), ...findShapedProps(ctx)];
  props.push(...findAutoscale(ctx));
  const budget = findBudget(ctx);
  const env = findEnvironment(ctx);
  const found = splitNegated(ctx, findMentions(ctx), action.verb);
  const mentions = found.kept;
  const starts = new Map<number, Mention>(mentions.map((m) => [m.start, m]));
  const isNounAt = (i: number) => starts.has(i);
  const serviceEndAt = (i: number) => {
    const m = starts.get(i);
    return m?.type === "service" ? m.end : undefined;
  };
  props.push(...findVersions(ctx), ...findPorts(ctx));
  const cpu = findCpu(ctx);
  props.push(...cpu, ...findSizes(ctx, cpu), ...findHealth(ctx), ...findFlagProps(ctx, isNounAt));
  const serviceEnds = new Set(mentions.flatMap((m) => (m.type === "service" ? [m.end] : [])));
  props.push(...findReplicas(ctx, serviceEndAt, (i) => serviceEnds.has(i)));
  const monitoring = findMonitoring(ctx);
  const platform = readPlatform(ctx, codes, mentions);
  const appName = findAppName(ctx, mentions);
  return {
    ctx,
    mentions,
    negated: found.negated,
    props,
    platform,
    action,
    ...(env ? { env } : {}),
    ...(budget ? { budget } : {}),
    ...(monitoring !== undefined ? { monitoring } : {}),
    ...(appName ? { appName } : {}),
  };
}
