import type { NodeStatus } from '../stats/node-status.js';
import { formatInstant } from '../time/instant.js';

export const ALERT_EVENT_TYPES = ['node.down', 'node.up', 'uptime.below', 'test'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** The facts of an event: the webhook's `data` (spec/alerts.md, "Payload"). */
export interface AlertData {
  workspaceId: string;
  bucketId: string | null;
  bucketName: string | null;
  /** null: the whole bucket (uptime.below when every node is below), or a test. */
  nodeId: string | null;
  host: string | null;
  ip: string | null;
  region: string | null;
  status: NodeStatus | null;
  previousStatus: NodeStatus | null;
  since: string | null;
  downMs?: number;
  perc_uptime?: number;
  uptimeBelow?: number;
  ruleId: string | null;
  ruleName: string | null;
  dashboardUrl: string;
}

/** The webhook body. */
export interface AlertPayload {
  type: AlertEventType;
  id: string;
  timestamp: string;
  data: AlertData;
}

/** The dashboard's page of a bucket (its hash selects workspace, bucket and day). */
export function dashboardLink(base: string, workspaceId: string, bucketId: string | null, now: number): string {
  const params = new URLSearchParams({ workspace: workspaceId });
  if (bucketId) params.set('bucket', bucketId);
  params.set('day', formatInstant(now).slice(0, 10));
  return `${base}#${params.toString()}`;
}

function nodeName(data: AlertData): string {
  const where = [data.ip, data.region].filter((part) => part).join(', ');
  return `node ${data.host ?? data.nodeId ?? '?'}${where ? ` (${where})` : ''}`;
}

/**
 * The one sentence Slack, Discord and email carry: the same facts as the
 * webhook's payload, and the dashboard link.
 *
 * @example
 * alertSentence(payload) // 'DOWN: node a.example (10.0.0.1, westeurope) stopped serving bucket "photos": OFFLINE since 2024-01-15T03:00:00.000Z. https://...'
 */
export function alertSentence(payload: AlertPayload): string {
  const { data } = payload;
  const bucket = `bucket "${data.bucketName ?? data.bucketId ?? '?'}"`;
  const link = data.dashboardUrl;
  switch (payload.type) {
    case 'node.down':
      return `DOWN: ${nodeName(data)} stopped serving ${bucket}: ${data.status} since ${data.since}. ${link}`;
    case 'node.up':
      return `UP: ${nodeName(data)} serves ${bucket} again since ${data.since}, after ${Math.round((data.downMs ?? 0) / 1000)} s down. ${link}`;
    case 'uptime.below': {
      const who = data.nodeId === null ? `every node of ${bucket}` : `${nodeName(data)} on ${bucket}`;
      return `UPTIME: ${who} is at ${data.perc_uptime} % today, below ${data.uptimeBelow} %. ${link}`;
    }
    case 'test':
      return `TEST: this channel receives the alerts of workspace ${data.workspaceId}. ${link}`;
  }
}
