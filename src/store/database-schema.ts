import type { Generated } from 'kysely';

// One interface per table; every instant is epoch milliseconds, every day a
// UTC day number, so that both stores compare and index them as integers.

export interface UserTable {
  id: string;
  email: string;
  name: string;
  created_at: number;
}

export interface TokenTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the secret, hex: the secret itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface WorkspaceTable {
  id: string;
  name: string;
  created_at: number;
}

export interface WorkspaceMemberTable {
  workspace_id: string;
  user_id: string;
  role: string;
}

export interface BucketTable {
  id: string;
  workspace_id: string;
  name: string;
  storage_type: string;
  bucket: string | null;
  endpoint: string | null;
  region: string | null;
  created_at: number;
}

export interface NodeTable {
  id: string;
  public_key: string;
  ip: string;
  host: string;
  region: string;
  provider: string;
  version: string;
  created_at: number;
  /** Greatest signed-request `timestamp` accepted so far: replays must exceed it. */
  last_timestamp: number | null;
}

/** A re-registration: the fields it set (null: unchanged) from `at` on. */
export interface NodeRegistrationTable {
  node_id: string;
  at: number;
  ip: string | null;
  host: string | null;
  region: string | null;
  provider: string | null;
  version: string | null;
}

/** One (node, bucket) pair that has reports; its integer id keeps report rows small. */
export interface SeriesTable {
  id: Generated<number>;
  node_id: string;
  bucket_id: string;
  first_at: number;
}

export interface ReportTable {
  series_id: number;
  at: number;
  status: number;
  latency_ms: number | null;
}

/** A `DaySummary` of one series for one UTC day. */
export interface DailyRollupTable {
  series_id: number;
  day: number;
  first_at: number;
  last_at: number;
  last_status: number;
  last_latency_ms: number | null;
  inner_online_ms: number;
  latency_sum: number;
  latency_count: number;
  report_count: number;
}

/**
 * The detail of a daily rollup as far as its report at `through_at`
 * (migration 009): it holds the day's first `report_count` reports; those
 * after are in the raw log. No row: not kept yet, or not known (a rollup
 * made before migration 007 whose raw reports retention dropped).
 */
export interface RollupDetailTable {
  series_id: number;
  day: number;
  through_at: number;
  /** Status of the report at `through_at`: the down span it starts reaches into the next report. */
  through_status: number;
  report_count: number;
  /** `encodeDownSpans` of the inner down spans up to `through_at`. */
  down_spans: Uint8Array;
  /** `LatencySketch.encode` of the ONLINE latencies of those reports. */
  latencies: Uint8Array;
}

/** A deleted bucket's series whose reports and rollups are not all deleted yet (migration 005). */
export interface DeletedSeriesTable {
  series_id: number;
}

/** One version of a maintenance window (migration 006); `imported` is 0 or 1. */
export interface MaintenanceVersionTable {
  window_id: string;
  version: number;
  bucket_id: string;
  in_force_from: number;
  in_force_until: number | null;
  /** JSON array of node ids; null: every node of the bucket. */
  node_ids: string | null;
  start_at: number;
  end_at: number | null;
  rrule: string | null;
  duration_minutes: number | null;
  until_at: number | null;
  reason: string | null;
  created_at: number;
  created_by: string;
  imported: number;
}

export interface SettingTable {
  key: string;
  value: string;
}

/** A place alerts go (migration 008). */
export interface AlertChannelTable {
  id: string;
  workspace_id: string;
  name: string;
  kind: string;
  /** The URL, or the email address. */
  target: string;
  /** A webhook's signing secret (`whsec_...`). */
  secret: string | null;
  disabled_at: number | null;
  disabled_reason: string | null;
  created_at: number;
}

/** Which events go to which channels; the lists are JSON arrays. */
export interface AlertRuleTable {
  id: string;
  workspace_id: string;
  name: string;
  events: string;
  bucket_ids: string;
  channel_ids: string;
  for_seconds: number;
  uptime_below: number | null;
  created_at: number;
}

/** A (rule, bucket, node) that is not ONLINE: since when, and whether its node.down went out. */
export interface AlertDownStateTable {
  rule_id: string;
  bucket_id: string;
  node_id: string;
  since: number;
  status: string;
  sent: number;
}

export interface AlertUptimeSentTable {
  rule_id: string;
  bucket_id: string;
  node_id: string;
  day: number;
}

/** A raised event: its payload is the JSON body a webhook receives. */
export interface AlertEventTable {
  id: string;
  workspace_id: string;
  type: string;
  payload: string;
  created_at: number;
}

/** One (event, channel) to deliver: the outbox. */
export interface AlertDeliveryTable {
  seq: Generated<number>;
  event_id: string;
  channel_id: string;
  workspace_id: string;
  event_type: string;
  order_key: string;
  status: string;
  attempts: number;
  next_at: number;
  lease_until: number;
  lease_owner: string | null;
  created_at: number;
}

/** One try of a delivery. */
export interface AlertAttemptTable {
  event_id: string;
  channel_id: string;
  workspace_id: string;
  event_type: string;
  attempt: number;
  attempted_at: number;
  status: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

/** A committed report that changed a node's status for an alert rule, not yet looked at. */
export interface AlertObservationTable {
  seq: Generated<number>;
  bucket_id: string;
  node_id: string;
  at: number;
  status: string;
}

export interface AlertLeaseTable {
  name: string;
  holder: string;
  until: number;
}

export interface Database {
  users: UserTable;
  tokens: TokenTable;
  workspaces: WorkspaceTable;
  workspace_members: WorkspaceMemberTable;
  buckets: BucketTable;
  nodes: NodeTable;
  node_registrations: NodeRegistrationTable;
  series: SeriesTable;
  reports: ReportTable;
  /** SQLite only: live reports not yet moved into `reports` (migration 004). */
  reports_recent: ReportTable;
  /** Every stored report, wherever it is: the one to read (a view). */
  all_reports: ReportTable;
  daily_rollups: DailyRollupTable;
  rollup_details: RollupDetailTable;
  /** Rollups whose detail is behind their reports (PostgreSQL since migration 009, SQLite since 010). */
  rollup_detail_queue: { series_id: number; day: number };
  deleted_series: DeletedSeriesTable;
  maintenance_versions: MaintenanceVersionTable;
  settings: SettingTable;
  alert_channels: AlertChannelTable;
  alert_rules: AlertRuleTable;
  alert_down_states: AlertDownStateTable;
  alert_uptime_sent: AlertUptimeSentTable;
  alert_events: AlertEventTable;
  alert_deliveries: AlertDeliveryTable;
  alert_attempts: AlertAttemptTable;
  alert_leases: AlertLeaseTable;
  alert_observations: AlertObservationTable;
}
