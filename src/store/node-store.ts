import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { NodeProfile, NodeProfiles } from '../stats/bucket-day-stats.js';
import { NODE_PROFILE_FIELDS, profilesAsOf, type NodeHistory } from '../stats/node-profile-as-of.js';
import type { Database, NodeTable } from './database-schema.js';
import { advanceLastTimestamp, type NodeTimestamp } from './node-last-timestamp.js';
import { LAYERED_TTL_MS, RecentValues } from './recent-cache.js';
import type { StoreEvents } from './store-events.js';

export type NodeRecord = Selectable<NodeTable>;
export type NodeSigner = Pick<NodeRecord, 'id' | 'public_key'>;

export interface NewNode extends NodeProfile {
  publicKey: string;
}

export type RegistrationChange = Partial<NodeProfile>;

/** Bridge nodes, their keys and their registration history. */
export class NodeStore {
  private readonly signers = new RecentValues<NodeSigner>();
  // Kept answers are built from these: each layer gets half of the staleness allowed.
  private readonly histories = new RecentValues<NodeHistory>(10_000, LAYERED_TTL_MS);

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: StoreEvents,
  ) {}

  async create(node: NewNode, now: number): Promise<NodeRecord> {
    const record: NodeRecord = {
      id: randomUUID(),
      public_key: node.publicKey,
      ip: node.ip,
      host: node.host,
      region: node.region,
      provider: node.provider,
      version: node.version,
      created_at: now,
      last_timestamp: null,
    };
    await this.db.insertInto('nodes').values(record).execute();
    return record;
  }

  async find(nodeId: string): Promise<NodeRecord | undefined> {
    return this.db.selectFrom('nodes').selectAll().where('id', '=', nodeId).executeTakeFirst();
  }

  /**
   * The node's id and public key, asked on every signed request, so recent
   * hits are kept (see `RecentValues`): neither ever changes.
   */
  async signer(nodeId: string): Promise<NodeSigner | undefined> {
    return this.signers.load(nodeId, () =>
      this.db.selectFrom('nodes').select(['id', 'public_key']).where('id', '=', nodeId).executeTakeFirst(),
    );
  }

  /** The greatest signed-request timestamp accepted from the node so far, if any. */
  async lastTimestamp(nodeId: string): Promise<number | null> {
    const row = await this.db.selectFrom('nodes').select('last_timestamp').where('id', '=', nodeId).executeTakeFirst();
    return row?.last_timestamp ?? null;
  }

  /** The ids among `nodeIds` that exist. */
  async existing(nodeIds: readonly string[]): Promise<Set<string>> {
    if (nodeIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('nodes').select('id').where('id', 'in', nodeIds).execute();
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Records a re-registration from `at` on; a repeat at the same instant
   * replaces it. With a `guard` (a signed request), the node's last
   * accepted timestamp moves in the same transaction; false when it was not
   * newer (a replay): then nothing is recorded.
   *
   * @example
   * if (!(await nodes.register(nodeId, now, { version: '1.2.4' }, { nodeId, timestamp }))) throw new ReplayError();
   */
  async register(nodeId: string, at: number, change: RegistrationChange, guard?: NodeTimestamp): Promise<boolean> {
    const row = {
      node_id: nodeId,
      at,
      ip: change.ip ?? null,
      host: change.host ?? null,
      region: change.region ?? null,
      provider: change.provider ?? null,
      version: change.version ?? null,
    };
    const registered = await this.db.transaction().execute(async (trx) => {
      if (guard && !(await advanceLastTimestamp(trx, guard))) return false;
      await trx
        .insertInto('node_registrations')
        .values(row)
        .onConflict((oc) => oc.columns(['node_id', 'at']).doUpdateSet(row))
        .execute();
      return true;
    });
    if (!registered) return false;
    this.histories.delete(nodeId);
    this.events.emit('nodes');
    return true;
  }

  /**
   * Each node's profile as of `asOf`, by the rule of `profilesAsOf`: the
   * store reads the histories, the rule picks. Histories are kept (see
   * `RecentValues`): every stats answer needs them.
   */
  async profiles(nodeIds: readonly string[], asOf: number): Promise<NodeProfiles> {
    return profilesAsOf(await this.historiesOf(nodeIds), nodeIds, asOf);
  }

  private async historiesOf(nodeIds: readonly string[]): Promise<Map<string, NodeHistory>> {
    // Taken from the cache first: an entry may age out while the others are read.
    const histories = new Map<string, NodeHistory>();
    for (const id of nodeIds) {
      const kept = this.histories.get(id);
      if (kept) histories.set(id, kept);
    }
    for (const [id, history] of await this.loadHistories(nodeIds.filter((id) => !histories.has(id)))) histories.set(id, history);
    return histories;
  }

  private async loadHistories(nodeIds: readonly string[]): Promise<Map<string, NodeHistory>> {
    const loaded = new Map<string, NodeHistory>();
    if (nodeIds.length === 0) return loaded;
    const started = this.histories.begin();
    const nodes = await this.db
      .selectFrom('nodes')
      .select(['id', ...NODE_PROFILE_FIELDS])
      .where('id', 'in', nodeIds)
      .execute();
    const changes = await this.db
      .selectFrom('node_registrations')
      .selectAll()
      .where('node_id', 'in', nodeIds)
      .orderBy('at')
      .execute();
    for (const { id, ...created } of nodes) {
      const history = { created, changes: changes.filter((c) => c.node_id === id) };
      loaded.set(id, history);
      this.histories.keep(id, history, started);
    }
    return loaded;
  }
}
