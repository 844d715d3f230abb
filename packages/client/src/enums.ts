/**
 * A bridge node's view of a bucket. `DISCONNECTED` means the node has not
 * reported on the bucket recently enough for its last word to still hold.
 *
 * @example
 * if (info.node_status === NodeStatusType.ONLINE) console.log(`${info.ip} sees the bucket`);
 */
export enum NodeStatusType {
  ONLINE = 'ONLINE',
  OFFLINE = 'OFFLINE',
  DISCONNECTED = 'DISCONNECTED',
}

/**
 * Where a storage bucket lives.
 *
 * @example
 * await client.createStorageBucket({ name: 'invoices', workspaceId, storageType: StorageType.GCS });
 */
export enum StorageType {
  S3 = 'S3',
  GCS = 'GCS',
  BLOB = 'BLOB',
}

/**
 * A member's role in a workspace: `READ` reads its buckets, `WRITE` also
 * creates and deletes them, `ADMIN` also manages the members.
 *
 * @example
 * await client.addUserToWorkspace(workspaceId, { userId, role: AccessType.READ });
 */
export enum AccessType {
  READ = 'READ',
  WRITE = 'WRITE',
  ADMIN = 'ADMIN',
}

/**
 * What a request takes where an enum stands: the member, or its value as a
 * plain string (`NodeStatusType.ONLINE` or `'ONLINE'`), since both are the
 * same on the wire. Answers give the enum.
 *
 * @example
 * const role: EnumOrValue<AccessType> = 'READ';
 */
export type EnumOrValue<E extends string> = E | `${E}`;
