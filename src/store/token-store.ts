import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, TokenTable } from './database-schema.js';

export type TokenRecord = Selectable<TokenTable>;

/** Users' bearer tokens, kept as hashes only. */
export class TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

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

  async findByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    return this.db.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
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
  }

  async touch(tokenId: string, now: number): Promise<void> {
    await this.db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
  }
}
