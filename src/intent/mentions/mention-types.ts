/**
 * What the extraction passes find: mentions of components (services, data
 * services) and property phrases (replicas, ports, sizes...) with the token
 * positions that let the builder attach each property to its component.
 */
import type { Cloud } from "../../spec/schema.js";
import type { DataEngine, DataGroup, Role } from "../vocab/vocab.js";

export interface Span {
  readonly start: number;
  readonly end: number;
}

export type ServiceRole = Exclude<Role, "weak"> | "app" | "image" | "named";

export interface ServiceMention {
  readonly type: "service";
  start: number;
  end: number;
  role: ServiceRole;
  /** A person's word for an unnamed, unspecific service ("my app", "the shop"). */
  weak: boolean;
  /** The head noun as written ("service", "app"), for weak mentions. */
  noun?: string;
  name?: string;
  app?: string;
  image?: string;
  /** The word before "job" ("backup job") or the name of a product noun. */
  purpose?: string;
  /** "the payments api" -> payments. */
  appName?: string;
  definite: boolean;
  /** "another", "a second", "add a": a new one even if one exists. */
  fresh: boolean;
  /** "another", "a second", "a new": new for sure (unlike "add a", which may find it there already). */
  another?: boolean;
  count?: number;
  /** "two APIs: billing and accounts": one service per name. */
  names?: string[];
}

export interface DataMention {
  readonly type: "data";
  start: number;
  end: number;
  group: DataGroup;
  engine?: DataEngine;
  version?: string;
  managed?: Exclude<Cloud, "local">;
  unsupported?: string;
  generic: boolean;
  definite: boolean;
  fresh: boolean;
  another?: boolean;
  count?: number;
  names: string[];
  /** Names came as "one for X and one for Y": one component each. */
  oneFor?: boolean;
}

export type Mention = ServiceMention | DataMention;

export type PropValue =
  | {
      readonly kind: "replicas";
      readonly value: number;
      readonly relative?: "add" | "times";
      /** "2 of each": every service of the sentence; `all`: every service ("scale everything to 3"). */
      readonly each?: boolean;
      readonly all?: boolean;
    }
  | { readonly kind: "autoscale"; readonly min?: number; readonly max?: number; readonly target?: number }
  | { readonly kind: "port"; readonly value: number }
  | { readonly kind: "cpu"; readonly value: string }
  | { readonly kind: "memory"; readonly value: string }
  | { readonly kind: "storage"; readonly gb: number; readonly relative?: "add" }
  | { readonly kind: "size"; readonly memory: string; readonly gb: number }
  | { readonly kind: "domain"; readonly host: string; readonly secure?: boolean }
  | { readonly kind: "tls"; readonly on: boolean }
  | { readonly kind: "health"; readonly path: string }
  | { readonly kind: "env"; readonly key: string; readonly value: string }
  | { readonly kind: "public"; readonly on: boolean }
  | { readonly kind: "ha"; readonly on: boolean }
  | {
      readonly kind: "backups";
      readonly on: boolean;
      /** "nightly backups": when there is no database, a backup job on this schedule. */
      readonly schedule?: {
        readonly cron: string;
        readonly detail: number;
        readonly notes: readonly string[];
      };
    }
  | {
      readonly kind: "schedule";
      readonly cron: string;
      readonly weak: boolean;
      readonly detail: number;
      readonly notes: readonly string[];
    }
  | { readonly kind: "image"; readonly ref: string }
  | { readonly kind: "version"; readonly value: string };

export type PropKind = PropValue["kind"];

export interface Prop extends Span {
  readonly value: PropValue;
  /** Written before its noun ("a private backend"): attaches forward first. */
  readonly adjective?: boolean;
  /** The mention the words tie it to ("3 replicas of X", "give the api ..."). */
  target?: Mention;
}
