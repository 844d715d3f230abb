import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, UserTable } from './database-schema.js';

export type UserRecord = Selectable<UserTable>;

/** People who call the API with bearer tokens. */
export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a user; `undefined` when the email (compared case-insensitively) is taken. */
  async create(email: string, name: string, now: number): Promise<UserRecord | undefined> {
    const user: UserRecord = { id: randomUUID(), email: email.toLowerCase(), name, created_at: now };
    const inserted = await this.db
      .insertInto('users')
      .values(user)
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? user : undefined;
  }

  async find(userId: string): Promise<UserRecord | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  }
}
