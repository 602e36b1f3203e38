/**
 * Row types of the tables, as Kysely sees them. Portable column types only:
 * text ids, 32-bit integers, ISO 8601 text timestamps (UTC, so they sort as
 * text), JSON as text. No booleans, no bigint (pg returns those as strings).
 */
export interface RevisionsTable {
  app: string;
  environment: string;
  number: number;
  spec_json: string;
  request: string | null;
  interpreter: string | null;
  interpret_usage_json: string | null;
  artifact_hashes_json: string;
  actor: string;
  created_at: string;
  /** The Git commit holding the revision (gitops); null until pushed, or without gitops. Since 0007. */
  git_commit?: string | null;
  /** The Git commit the spec was read from (sync, serve's repository watch); null otherwise. Since 0009. */
  source_commit?: string | null;
}

export interface DeploymentsTable {
  id: string;
  app: string;
  environment: string;
  number: number;
  revision: number;
  action: string;
  actor: string;
  started_at: string;
  finished_at: string | null;
  outcome: string | null;
  error: string | null;
  /** Last step event seq: a counter row that also serialises appends per deployment. */
  last_seq: number;
  /** The provider that ran it (`docker`, `null`...); null for deployments recorded before 0005. */
  provider: string | null;
}

export interface StepEventsTable {
  deployment_id: string;
  seq: number;
  at: string;
  type: string;
  step: string | null;
  message: string | null;
  data_json: string | null;
}

export interface LocksTable {
  app: string;
  environment: string;
  token: string;
  actor: string;
  pid: number | null;
  host: string | null;
  deployment_id: string | null;
  acquired_at: string;
  expires_at: string;
  lease_ms: number;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  command: string;
  target: string | null;
  outcome: string;
  details_json: string | null;
  prev_hash: string;
  hash: string;
  /** "sha256" (legacy, before the audit key) or "hmac-sha256". */
  scheme: string;
}

export interface StateDatabase {
  revisions: RevisionsTable;
  deployments: DeploymentsTable;
  step_events: StepEventsTable;
  locks: LocksTable;
  audit_log: AuditLogTable;
}
