/**
 * Managed databases and caches: the size follows the environment (the
 * renderers' production and non-production sizes), HA bills a standby where
 * the cloud does, storage and backups are billed per GB-month, and serverless
 * databases (Firestore) bill an assumed monthly volume.
 */
import type { Database } from "../spec/index.js";
import { hourlyItem, type PricingContext, type Tier, unitItem } from "./context.js";
import { cacheFamily, DATABASES, type DatabaseFamily, type Size } from "./sizes.js";
import type { CostItem } from "./types.js";

function databaseTier(ctx: PricingContext, db: Database, family: DatabaseFamily): Tier {
  if (db.highAvailability && family.haNeedsLarge && ctx.tier !== "large") {
    ctx.assumptions.push(
      `${db.name}: HA needs the ${family.sizes.large.label} size on ${family.service}: sized up`,
    );
    return "large";
  }
  return ctx.tier;
}

function sizeItems(
  ctx: PricingContext,
  component: string,
  kind: "database" | "cache",
  size: Size,
  instances: number,
  description: string,
): CostItem[] {
  return size.parts.map((part) =>
    hourlyItem(ctx, part.sku, { component, kind, description, count: instances * part.per }),
  );
}

function storageItems(
  ctx: PricingContext,
  db: Database,
  family: DatabaseFamily,
  standby: boolean,
): CostItem[] {
  const items: CostItem[] = [];
  if (family.storage) {
    const copies = standby && family.storage.doubledByHa ? 2 : 1;
    items.push(
      unitItem(ctx, family.storage.sku, {
        component: db.name,
        description: `${db.storageGb} GB storage${copies > 1 ? " x 2 (HA)" : ""}`,
        quantity: db.storageGb * copies,
      }),
    );
  }
  if (db.backups && family.backupSku) {
    items.push(
      unitItem(ctx, family.backupSku, {
        component: db.name,
        description: `${db.storageGb} GB backup storage`,
        quantity: db.storageGb,
      }),
    );
  }
  return items;
}

function usageItems(ctx: PricingContext, db: Database, family: DatabaseFamily, tier: Tier): CostItem[] {
  return (family.usage ?? []).map((u) =>
    unitItem(ctx, u.sku, {
      component: db.name,
      kind: "database",
      description: `${u.perMonth[tier]} ${u.what} a month (assumed)`,
      quantity: u.perMonth[tier],
    }),
  );
}

function describe(ctx: PricingContext, db: Database, family: DatabaseFamily, tier: Tier): string {
  const ha = db.highAvailability ? `, ${family.haLabel}` : "";
  const mariadb = db.engine === "mariadb" && ctx.cloud !== "aws" ? " (mariadb runs on MySQL)" : "";
  const notes = [
    `${db.name}: ${family.service} ${family.sizes[tier].label}${mariadb} for ${ctx.spec.environment}${ha}`,
  ];
  const usage = (family.usage ?? []).map((u) => `${u.perMonth[tier]} ${u.what}`);
  if (usage.length > 0) notes.push(`assumed ${usage.join(" and ")} a month`);
  if (db.backups) {
    notes.push(
      family.backupSku
        ? `backups assumed to take ${db.storageGb} GB (one copy of the storage beyond any free allowance)`
        : "backups included in the price",
    );
  }
  return notes.join("; ");
}

function databaseLines(ctx: PricingContext, db: Database): CostItem[] {
  const family = DATABASES[ctx.cloud][db.engine];
  const tier = databaseTier(ctx, db, family);
  const size = family.sizes[tier];
  const standby = db.highAvailability && family.ha === "standby";
  const ha = db.highAvailability ? `, ${family.haLabel}` : "";
  const instances = (size.instances ?? 1) * (standby ? 2 : 1);
  ctx.assumptions.push(describe(ctx, db, family, tier));
  return [
    ...sizeItems(ctx, db.name, "database", size, instances, `${family.service} ${size.label}${ha}`),
    ...usageItems(ctx, db, family, tier),
    ...storageItems(ctx, db, family, standby),
  ];
}

export function databaseItems(ctx: PricingContext): CostItem[] {
  return ctx.spec.databases.flatMap((db) => databaseLines(ctx, db));
}

export function cacheItems(ctx: PricingContext): CostItem[] {
  return ctx.spec.caches.flatMap((cache) => {
    const family = cacheFamily(ctx.cloud, cache.engine);
    const size = family.sizes[ctx.tier];
    const redis = family.service.includes("Redis") && cache.engine !== "redis";
    const as = redis ? ` (${cache.engine} on ${family.service})` : "";
    ctx.assumptions.push(`${cache.name}: ${family.service} ${size.label}${as} for ${ctx.spec.environment}`);
    return sizeItems(ctx, cache.name, "cache", size, size.instances ?? 1, `${family.service} ${size.label}`);
  });
}
