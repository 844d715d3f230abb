import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AlertChannelTable, AlertRuleTable, Database } from './database-schema.js';

export type AlertChannelRecord = Selectable<AlertChannelTable>;

/** A rule as the service uses it, its JSON lists parsed. */
export interface AlertRuleRecord {
  id: string;
  workspaceId: string;
  name: string;
  events: string[];
  /** Empty: every bucket of the workspace, also ones made later. */
  bucketIds: string[];
  channelIds: string[];
  forSeconds: number;
  uptimeBelow: number | null;
  createdAt: number;
}

export type AlertRuleFields = Omit<AlertRuleRecord, 'id' | 'workspaceId' | 'createdAt'>;

const ruleFromRow = (row: Selectable<AlertRuleTable>): AlertRuleRecord => ({
  id: row.id,
  workspaceId: row.workspace_id,
  name: row.name,
  events: JSON.parse(row.events) as string[],
  bucketIds: JSON.parse(row.bucket_ids) as string[],
  channelIds: JSON.parse(row.channel_ids) as string[],
  forSeconds: row.for_seconds,
  uptimeBelow: row.uptime_below,
  createdAt: row.created_at,
});

const ruleColumns = (fields: AlertRuleFields) => ({
  name: fields.name,
  events: JSON.stringify(fields.events),
  bucket_ids: JSON.stringify(fields.bucketIds),
  channel_ids: JSON.stringify(fields.channelIds),
  for_seconds: fields.forSeconds,
  uptime_below: fields.uptimeBelow,
});

/**
 * Removes everything of a workspace's alerts inside `trx` (the workspace's
 * deletion): its channels and rules with their states, and the events,
 * deliveries and tries still kept for it, so that nothing is sent in the
 * name of a workspace that is gone.
 */
export async function deleteWorkspaceAlerts(trx: Transaction<Database>, workspaceId: string): Promise<void> {
  const rules = trx.selectFrom('alert_rules').select('id').where('workspace_id', '=', workspaceId);
  await trx.deleteFrom('alert_down_states').where('rule_id', 'in', rules).execute();
  await trx.deleteFrom('alert_uptime_sent').where('rule_id', 'in', rules).execute();
  for (const table of ['alert_rules', 'alert_channels', 'alert_deliveries', 'alert_attempts', 'alert_events'] as const) {
    await trx.deleteFrom(table).where('workspace_id', '=', workspaceId).execute();
  }
}

/**
 * A workspace's alert channels and rules (spec/alerts.md). Rules are few and
 * read on every sweep; `changed` tells this instance's evaluator at once.
 *
 * @example
 * const channel = await store.alertRules.createChannel({ id, workspace_id, name, kind: 'webhook', target, secret, ... });
 */
export class AlertRuleStore {
  /** Called after every committed change of a rule or channel. */
  changed: () => Promise<void> = async () => undefined;

  constructor(private readonly db: Kysely<Database>) {}

  async createChannel(channel: AlertChannelRecord): Promise<void> {
    await this.db.insertInto('alert_channels').values(channel).execute();
    await this.changed();
  }

  async channels(workspaceId: string): Promise<AlertChannelRecord[]> {
    return this.db
      .selectFrom('alert_channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async channel(workspaceId: string, channelId: string): Promise<AlertChannelRecord | undefined> {
    return this.db
      .selectFrom('alert_channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', channelId)
      .executeTakeFirst();
  }

  async channelsById(channelIds: readonly string[]): Promise<AlertChannelRecord[]> {
    if (channelIds.length === 0) return [];
    return this.db.selectFrom('alert_channels').selectAll().where('id', 'in', channelIds).execute();
  }

  async updateChannel(
    channelId: string,
    changes: Partial<Pick<AlertChannelRecord, 'name' | 'target' | 'secret' | 'disabled_at' | 'disabled_reason'>>,
  ): Promise<void> {
    await this.db.updateTable('alert_channels').set(changes).where('id', '=', channelId).execute();
    await this.changed();
  }

  /** Deletes a channel unless a rule still sends to it: answers the names of those rules (nothing deleted) or []. */
  async deleteChannel(workspaceId: string, channelId: string): Promise<string[]> {
    const users = (await this.rules(workspaceId)).filter((rule) => rule.channelIds.includes(channelId));
    if (users.length > 0) return users.map((rule) => rule.name);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('alert_channels').where('id', '=', channelId).execute();
      // Nothing more will go there: its outbox rows are done with.
      await trx.deleteFrom('alert_deliveries').where('channel_id', '=', channelId).where('status', '=', 'pending').execute();
    });
    await this.changed();
    return [];
  }

  async createRule(workspaceId: string, id: string, fields: AlertRuleFields, now: number): Promise<AlertRuleRecord> {
    await this.db
      .insertInto('alert_rules')
      .values({ id, workspace_id: workspaceId, created_at: now, ...ruleColumns(fields) })
      .execute();
    await this.changed();
    return { id, workspaceId, createdAt: now, ...fields };
  }

  async rules(workspaceId: string): Promise<AlertRuleRecord[]> {
    const rows = await this.db
      .selectFrom('alert_rules')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(ruleFromRow);
  }

  /** Every rule of every workspace (the evaluator's view). */
  async allRules(): Promise<AlertRuleRecord[]> {
    return (await this.db.selectFrom('alert_rules').selectAll().execute()).map(ruleFromRow);
  }

  async rule(workspaceId: string, ruleId: string): Promise<AlertRuleRecord | undefined> {
    const row = await this.db
      .selectFrom('alert_rules')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', ruleId)
      .executeTakeFirst();
    return row && ruleFromRow(row);
  }

  async updateRule(ruleId: string, fields: AlertRuleFields): Promise<void> {
    await this.db.updateTable('alert_rules').set(ruleColumns(fields)).where('id', '=', ruleId).execute();
    await this.changed();
  }

  async deleteRule(ruleId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('alert_rules').where('id', '=', ruleId).execute();
      await trx.deleteFrom('alert_down_states').where('rule_id', '=', ruleId).execute();
      await trx.deleteFrom('alert_uptime_sent').where('rule_id', '=', ruleId).execute();
    });
    await this.changed();
  }
}
