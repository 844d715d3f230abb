import { AccessError } from './access-error.js';
import type { BucketRecord } from '../store/bucket-store.js';
import type { Store } from '../store/store.js';
import type { WorkspaceRecord } from '../store/workspace-store.js';
import type { Principal } from './principal.js';
import { grants, type Role } from './roles.js';

/**
 * The workspace, if the caller holds at least `needed` in it (the operator
 * holds everything). No such workspace: 404; not enough role: 403.
 */
export async function requireWorkspaceRole(
  store: Store,
  principal: Principal,
  workspaceId: string,
  needed: Role,
): Promise<WorkspaceRecord> {
  const workspace = await store.workspaces.find(workspaceId);
  if (!workspace) throw AccessError.notFound(`no workspace ${workspaceId}`);
  if (principal.kind === 'operator') return workspace;
  const role = await store.workspaces.roleOf(workspaceId, principal.userId);
  if (!role) {
    // Deleted meanwhile (its members go with it): that is a 404, not a refusal.
    if (!(await store.workspaces.find(workspaceId))) throw AccessError.notFound(`no workspace ${workspaceId}`);
    throw AccessError.forbidden(`you are not a member of workspace ${workspaceId}`);
  }
  if (!grants(role, needed))
    throw AccessError.forbidden(`this needs the ${needed} role in workspace ${workspaceId}; you have ${role}`);
  return workspace;
}

/** The bucket, if the caller holds at least `needed` in its workspace. No such bucket: 404; no access: 403. */
export async function requireBucketRole(
  store: Store,
  principal: Principal,
  bucketId: string,
  needed: Role,
): Promise<BucketRecord> {
  const bucket = await store.buckets.find(bucketId);
  if (!bucket) throw AccessError.notFound(`no bucket ${bucketId}`);
  if (principal.kind === 'operator') return bucket;
  const role = await store.workspaces.roleOf(bucket.workspace_id, principal.userId);
  if (!role) throw AccessError.forbidden(`bucket ${bucketId} is not in any of your workspaces`);
  if (!grants(role, needed))
    throw AccessError.forbidden(`this needs the ${needed} role in the bucket's workspace; you have ${role}`);
  return bucket;
}

/**
 * `requireBucketRole` answered from recently read values alone, without a
 * promise: the bucket when they show the caller holds `needed`, otherwise
 * undefined (then ask `requireBucketRole`, which also says why not).
 */
export function keptBucketAccess(store: Store, principal: Principal, bucketId: string, needed: Role): BucketRecord | undefined {
  const bucket = store.buckets.kept(bucketId);
  if (!bucket) return undefined;
  if (principal.kind === 'operator') return bucket;
  const role = store.workspaces.keptRole(bucket.workspace_id, principal.userId);
  return role && grants(role, needed) ? bucket : undefined;
}

/** Refuses anyone but the operator (403). */
export function requireOperator(principal: Principal): void {
  if (principal.kind !== 'operator') throw AccessError.forbidden('only the operator may do this');
}
