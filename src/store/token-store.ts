import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, TokenTable } from './database-schema.js';
import { RecentValues } from './recent-cache.js';
import type { StoreEvents } from './store-events.js';

export type TokenRecord = Selectable<TokenTable>;

/** Users' bearer tokens, kept as hashes only. */
export class TokenStore {
  private readonly byHash = new RecentValues<TokenRecord>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: StoreEvents,
  ) {}

  async create(userId: string, name: string, tokenHash: string, expiresAt: number | null, now: number): Promise<TokenRecord> {
    const token: TokenRecord = {
      id: randomUUID(),
      user_id: userId,
      name,
      token_hash: tokenHash,
      created_at: now,
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('tokens').values(token).execute();
    return token;
  }

  /** The token as last read, if it was read recently (see `RecentValues`); never asks the store. */
  keptByHash(tokenHash: string): TokenRecord | undefined {
    return this.byHash.get(tokenHash);
  }

  /** Looked up on every authenticated call, so recent hits are kept (see `RecentValues`). */
  async findByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    return this.byHash.load(tokenHash, () =>
      this.db.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    );
  }

  async find(tokenId: string): Promise<TokenRecord | undefined> {
    return this.db.selectFrom('tokens').selectAll().where('id', '=', tokenId).executeTakeFirst();
  }

  /** The user's tokens that still work or could: revoked ones are left out. */
  async listForUser(userId: string): Promise<TokenRecord[]> {
    return this.db
      .selectFrom('tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async revoke(tokenId: string, now: number): Promise<void> {
    await this.db
      .updateTable('tokens')
      .set({ revoked_at: now })
      .where('id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .execute();
    this.byHash.clear();
    this.events.emit('access');
  }

  /**
   * Records when the token was last used. Safe to call without awaiting it:
   * a failed write never surfaces as an unhandled rejection (one lost
   * last-use instant is harmless, and the next call writes a newer one),
   * while a caller that keeps the promise still learns of the failure, to
   * log it. On SQLite the write is queued to the writer thread like every
   * other.
   *
   * @example
   * store.tokens.touch(tokenId, Date.now()).catch((error: unknown) => log.warn(error));
   */
  touch(tokenId: string, now: number): Promise<void> {
    const write = this.db
      .updateTable('tokens')
      .set({ last_used_at: now })
      .where('id', '=', tokenId)
      .execute()
      .then(() => undefined);
    write.catch(() => undefined);
    return write;
  }
}
