import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Static, TSchema } from '@sinclair/typebox';
import { expectTypeOf } from 'expect-type';
import type * as Client from '../packages/client/src/index.js';
import { AccessType, NodeStatusType, StorageType } from '../packages/client/src/index.js';
import { ROLES } from '../src/auth/roles.js';
import type * as Account from '../src/http/schemas/account-schemas.js';
import { STORAGE_TYPES } from '../src/http/schemas/bucket-schemas.js';
import type * as Bucket from '../src/http/schemas/bucket-schemas.js';
import type * as Common from '../src/http/schemas/common-schemas.js';
import type * as History from '../src/http/schemas/history-schemas.js';
import type * as Maintenance from '../src/http/schemas/maintenance-schemas.js';
import type * as NodeReport from '../src/http/schemas/node-report-schemas.js';
import type * as Node from '../src/http/schemas/node-schemas.js';
import type * as Stats from '../src/http/schemas/stats-schemas.js';
import type * as Workspace from '../src/http/schemas/workspace-schemas.js';
import { NODE_STATUSES } from '../src/stats/node-status.js';

/**
 * A client type as it travels as JSON: a `Date` goes as its ISO string and a
 * string enum as its values. Everything else (names, optionality, nullability,
 * the other types) is kept, so that comparing `Wire<ClientType>` with the
 * schema's `Static` fails on any renamed, missing, extra or retyped field.
 */
type Wire<T> = T extends Date
  ? string
  : T extends string
    ? `${T}`
    : T extends number | boolean | null | undefined
      ? T
      : T extends ReadonlyArray<infer Item>
        ? Array<Wire<Item>>
        : { [K in keyof T]: Wire<T[K]> };

type Server<S extends TSchema> = Static<S>;

// Every check below is a compile-time one: `npm run typecheck` (tsc -p tsconfig.check.json) fails on a mismatch.
describe("the client's types match the server's schemas", () => {
  it('stats and status', () => {
    expectTypeOf<`${Client.NodeStatusType}`>().toEqualTypeOf<Server<typeof Stats.NodeStatusType>>();
    expectTypeOf<Wire<Client.GetBucketNodeStatsRequest>>().toEqualTypeOf<Server<typeof Stats.GetBucketNodeStatsRequest>>();
    expectTypeOf<Wire<Client.BucketNodeStatsDailyInfo>>().toEqualTypeOf<Server<typeof Stats.BucketNodeStatsDailyInfo>>();
    expectTypeOf<Wire<Client.GetBucketNodeStatsResponse>>().toEqualTypeOf<Server<typeof Stats.GetBucketNodeStatsResponse>>();
    expectTypeOf<Wire<Client.NodeStatusInfo>>().toEqualTypeOf<Server<typeof Stats.NodeStatusInfo>>();
    expectTypeOf<Wire<Client.StorageBucketStatusResponse>>().toEqualTypeOf<Server<typeof Stats.StorageBucketStatusResponse>>();
  });

  it('buckets', () => {
    expectTypeOf<`${Client.StorageType}`>().toEqualTypeOf<Server<typeof Bucket.StorageType>>();
    expectTypeOf<Wire<Client.CreateBucketRequest>>().toEqualTypeOf<Server<typeof Bucket.CreateBucketRequest>>();
    expectTypeOf<Wire<Client.CreateBucketResponse>>().toEqualTypeOf<Server<typeof Bucket.CreateBucketResponse>>();
    expectTypeOf<Wire<Client.StorageBucket>>().toEqualTypeOf<Server<typeof Bucket.StorageBucket>>();
    expectTypeOf<Wire<Client.GetBucketsResponse>>().toEqualTypeOf<Server<typeof Bucket.GetBucketsResponse>>();
    expectTypeOf<{ workspaceId?: Parameters<Client.ApiClient['getStorageBuckets']>[0] }>().toEqualTypeOf<
      Server<typeof Bucket.GetBucketsQuery>
    >();
    expectTypeOf<Wire<Client.UpdateBucketRequest>>().toEqualTypeOf<Server<typeof Bucket.UpdateBucketRequest>>();
    expectTypeOf<Wire<Client.UpdateBucketResponse>>().toEqualTypeOf<Server<typeof Bucket.UpdateBucketResponse>>();
  });

  it('common answers', () => {
    expectTypeOf<Wire<Client.ActionResponse>>().toEqualTypeOf<Server<typeof Common.ActionResponse>>();
    expectTypeOf<Wire<Client.ErrorResponse>>().toEqualTypeOf<Server<typeof Common.ErrorResponse>>();
    expectTypeOf<Client.HttpError['data']>().toEqualTypeOf<Server<typeof Common.ErrorResponse> | null>();
  });

  it('workspaces and members', () => {
    expectTypeOf<`${Client.AccessType}`>().toEqualTypeOf<Server<typeof Workspace.AccessType>>();
    expectTypeOf<Wire<Client.CreateWorkspaceRequest>>().toEqualTypeOf<Server<typeof Workspace.CreateWorkspaceRequest>>();
    expectTypeOf<Wire<Client.Workspace>>().toEqualTypeOf<Server<typeof Workspace.Workspace>>();
    expectTypeOf<Wire<Client.CreateWorkspaceResponse>>().toEqualTypeOf<Server<typeof Workspace.CreateWorkspaceResponse>>();
    expectTypeOf<Wire<Client.GetWorkspacesResponse>>().toEqualTypeOf<Server<typeof Workspace.GetWorkspacesResponse>>();
    expectTypeOf<Wire<Client.AddUserToWorkspaceRequest>>().toEqualTypeOf<Server<typeof Workspace.AddUserToWorkspaceRequest>>();
    expectTypeOf<Wire<Client.UpdateUserRoleRequest>>().toEqualTypeOf<Server<typeof Workspace.UpdateUserRoleRequest>>();
    expectTypeOf<Wire<Client.WorkspaceUser>>().toEqualTypeOf<Server<typeof Workspace.WorkspaceUser>>();
    expectTypeOf<Wire<Client.GetWorkspaceResponse>>().toEqualTypeOf<Server<typeof Workspace.GetWorkspaceResponse>>();
    expectTypeOf<Wire<Client.UpdateWorkspaceRequest>>().toEqualTypeOf<Server<typeof Workspace.UpdateWorkspaceRequest>>();
    expectTypeOf<Wire<Client.UpdateWorkspaceResponse>>().toEqualTypeOf<Server<typeof Workspace.UpdateWorkspaceResponse>>();
  });

  it('users and tokens', () => {
    expectTypeOf<Wire<Client.CreateUserRequest>>().toEqualTypeOf<Server<typeof Account.CreateUserRequest>>();
    expectTypeOf<Wire<Client.User>>().toEqualTypeOf<Server<typeof Account.User>>();
    expectTypeOf<Wire<Client.CreateUserResponse>>().toEqualTypeOf<Server<typeof Account.CreateUserResponse>>();
    expectTypeOf<Wire<Client.CreateUserTokenRequest>>().toEqualTypeOf<Server<typeof Account.CreateTokenRequest>>();
    expectTypeOf<Wire<Client.CreateUserTokenResponse>>().toEqualTypeOf<Server<typeof Account.CreateTokenResponse>>();
    expectTypeOf<Wire<Client.TokenInfo>>().toEqualTypeOf<Server<typeof Account.TokenInfo>>();
    expectTypeOf<Wire<Client.GetTokensResponse>>().toEqualTypeOf<Server<typeof Account.GetTokensResponse>>();
  });

  it('nodes and imports', () => {
    expectTypeOf<Wire<Client.CreateNodeRequest>>().toEqualTypeOf<Server<typeof Node.CreateNodeRequest>>();
    expectTypeOf<Wire<Client.BridgeNode>>().toEqualTypeOf<Server<typeof Node.BridgeNode>>();
    expectTypeOf<Wire<Client.CreateNodeResponse>>().toEqualTypeOf<Server<typeof Node.CreateNodeResponse>>();
    expectTypeOf<Wire<Client.ImportNodeRegistrationRequest>>().toEqualTypeOf<Server<typeof Node.ImportRegistrationRequest>>();
    expectTypeOf<Wire<Client.ImportedReport>>().toEqualTypeOf<Server<typeof Node.ImportedReport>>();
    expectTypeOf<Wire<Client.ImportReportsRequest>>().toEqualTypeOf<Server<typeof Node.ImportReportsRequest>>();
    expectTypeOf<Wire<Client.ImportReportsResponse>>().toEqualTypeOf<Server<typeof Node.ImportReportsResponse>>();
  });

  it("the dashboard's history calls", () => {
    expectTypeOf<Wire<Client.GetBucketRangeStatsRequest>>().toEqualTypeOf<Server<typeof History.GetBucketRangeStatsRequest>>();
    expectTypeOf<Wire<Client.BucketNodeStatsRangeInfo>>().toEqualTypeOf<Server<typeof History.BucketNodeStatsRangeInfo>>();
    expectTypeOf<Wire<Client.BucketStatsDay>>().toEqualTypeOf<Server<typeof History.BucketStatsDay>>();
    expectTypeOf<Wire<Client.GetBucketRangeStatsResponse>>().toEqualTypeOf<Server<typeof History.GetBucketRangeStatsResponse>>();
    expectTypeOf<Wire<Client.GetBucketLatencyRequest>>().toEqualTypeOf<Server<typeof History.GetBucketLatencyRequest>>();
    expectTypeOf<Wire<Client.NodeLatencySeries>>().toEqualTypeOf<Server<typeof History.NodeLatencySeries>>();
    expectTypeOf<Wire<Client.GetBucketLatencyResponse>>().toEqualTypeOf<Server<typeof History.GetBucketLatencyResponse>>();
  });

  it('maintenance windows', () => {
    expectTypeOf<Wire<Client.MaintenanceWindow>>().toEqualTypeOf<Server<typeof Maintenance.MaintenanceWindow>>();
    expectTypeOf<Wire<Client.MaintenanceWindowRequest>>().toEqualTypeOf<Server<typeof Maintenance.MaintenanceWindowRequest>>();
    expectTypeOf<Wire<Client.MaintenanceWindowResponse>>().toEqualTypeOf<Server<typeof Maintenance.MaintenanceWindowResponse>>();
    expectTypeOf<Wire<Client.MaintenanceWindowsResponse>>().toEqualTypeOf<
      Server<typeof Maintenance.MaintenanceWindowsResponse>
    >();
    expectTypeOf<Wire<Client.ImportedMaintenanceWindow>>().toEqualTypeOf<Server<typeof Maintenance.ImportedMaintenanceWindow>>();
    expectTypeOf<Wire<Client.ImportMaintenanceRequest>>().toEqualTypeOf<Server<typeof Maintenance.ImportMaintenanceRequest>>();
    expectTypeOf<Wire<Client.ImportMaintenanceResponse>>().toEqualTypeOf<Server<typeof Maintenance.ImportMaintenanceResponse>>();
    expectTypeOf<Client.ApiClient['createMaintenanceWindow']>().parameters.toEqualTypeOf<
      [bucketId: string, request: Client.MaintenanceWindowRequest]
    >();
    expectTypeOf<Client.ApiClient['getMaintenanceWindows']>().returns.resolves.toEqualTypeOf<Client.MaintenanceWindowsResponse>();
    expectTypeOf<Client.ApiClient['updateMaintenanceWindow']>().parameters.toEqualTypeOf<
      [bucketId: string, windowId: string, request: Client.MaintenanceWindowRequest]
    >();
    expectTypeOf<
      Client.ApiClient['updateMaintenanceWindow']
    >().returns.resolves.toEqualTypeOf<Client.MaintenanceWindowResponse>();
    expectTypeOf<Client.ApiClient['deleteMaintenanceWindow']>().returns.resolves.toEqualTypeOf<Client.ActionResponse>();
    expectTypeOf<
      Client.ApiClient['importMaintenanceWindows']
    >().returns.resolves.toEqualTypeOf<Client.ImportMaintenanceResponse>();
  });

  it("the bridge nodes' signed calls", () => {
    expectTypeOf<Wire<Client.RegisterNodeRequest>>().toEqualTypeOf<Server<typeof NodeReport.RegisterNodeRequest>>();
    expectTypeOf<Wire<Client.RegisterNodeResponse>>().toEqualTypeOf<Server<typeof NodeReport.RegisterNodeResponse>>();
    expectTypeOf<Wire<Client.BucketStatusEntry>>().toEqualTypeOf<Server<typeof NodeReport.BucketStatusEntry>>();
    expectTypeOf<Wire<Client.NodeStatusRequest>>().toEqualTypeOf<Server<typeof NodeReport.NodeStatusRequest>>();
    expectTypeOf<Wire<Client.RejectedEntry>>().toEqualTypeOf<Server<typeof NodeReport.RejectedEntry>>();
    expectTypeOf<Wire<Client.NodeStatusResponse>>().toEqualTypeOf<Server<typeof NodeReport.NodeStatusResponse>>();
  });

  it('the methods take and give the published types', () => {
    expectTypeOf<Client.ApiClient['getBucketNodeStats']>().parameters.toEqualTypeOf<
      [bucketId: string, data: Client.GetBucketNodeStatsRequest]
    >();
    expectTypeOf<Client.ApiClient['getBucketNodeStats']>().returns.resolves.toEqualTypeOf<Client.GetBucketNodeStatsResponse>();
    expectTypeOf<
      Client.ApiClient['getStorageBucketStatus']
    >().returns.resolves.toEqualTypeOf<Client.StorageBucketStatusResponse>();
    expectTypeOf<Client.ApiClient['setAuthToken']>().parameters.toEqualTypeOf<[token: string | null]>();
    // The platform's signatures of the calls this service added for it.
    expectTypeOf<Client.ApiClient['getStorageBuckets']>().parameters.toEqualTypeOf<
      [workspaceId?: string, walletAddress?: string]
    >();
    expectTypeOf<Client.ApiClient['updateStorageBucket']>().parameters.toEqualTypeOf<
      [bucketId: string, data: Client.UpdateBucketRequest]
    >();
    expectTypeOf<Client.ApiClient['updateStorageBucket']>().returns.resolves.toEqualTypeOf<Client.UpdateBucketResponse>();
    expectTypeOf<Client.ApiClient['getWorkspace']>().parameters.toEqualTypeOf<[id: string]>();
    expectTypeOf<Client.ApiClient['getWorkspace']>().returns.resolves.toEqualTypeOf<Client.GetWorkspaceResponse>();
    expectTypeOf<Client.ApiClient['updateWorkspace']>().parameters.toEqualTypeOf<
      [id: string, request: Client.UpdateWorkspaceRequest]
    >();
    expectTypeOf<Client.ApiClient['updateWorkspace']>().returns.resolves.toEqualTypeOf<Client.UpdateWorkspaceResponse>();
    expectTypeOf<Client.ApiClient['deleteWorkspace']>().parameters.toEqualTypeOf<[id: string]>();
    expectTypeOf<Client.ApiClient['deleteWorkspace']>().returns.resolves.toEqualTypeOf<Client.ActionResponse>();
    // Requests take an enum's member or its value; answers give the enum, as the platform's client types them.
    expectTypeOf<Client.AddUserToWorkspaceRequest['role']>().toEqualTypeOf<Client.AccessType | 'READ' | 'WRITE' | 'ADMIN'>();
    expectTypeOf<Client.WorkspaceWithRole['role']>().toEqualTypeOf<Client.AccessType>();
  });

  it('would catch a renamed, a missing or a retyped field', () => {
    type Info = Server<typeof Stats.BucketNodeStatsDailyInfo>;
    type Renamed = Omit<Client.BucketNodeStatsDailyInfo, 'perc_uptime'> & { percUptime: number };
    type Missing = Omit<Client.BucketNodeStatsDailyInfo, 'host'>;
    type Retyped = Omit<Client.BucketNodeStatsDailyInfo, 'avg_latency_ms'> & { avg_latency_ms: number };
    type MadeRequired = Omit<Client.CreateBucketRequest, 'storageType'> & { storageType: Client.StorageType };
    type Loosened = Omit<Client.BucketNodeStatsDailyInfo, 'node_status'> & { node_status: string };
    // @ts-expect-error a renamed field must not pass
    expectTypeOf<Wire<Renamed>>().toEqualTypeOf<Info>();
    // @ts-expect-error a missing field must not pass
    expectTypeOf<Wire<Missing>>().toEqualTypeOf<Info>();
    // @ts-expect-error a field that loses its null must not pass
    expectTypeOf<Wire<Retyped>>().toEqualTypeOf<Info>();
    // @ts-expect-error an optional field made required must not pass
    expectTypeOf<Wire<MadeRequired>>().toEqualTypeOf<Server<typeof Bucket.CreateBucketRequest>>();
    // @ts-expect-error a string where the server has an enum must not pass
    expectTypeOf<Wire<Loosened>>().toEqualTypeOf<Info>();
  });

  it('gives the enums the values the server accepts', () => {
    assert.deepEqual(Object.values(NodeStatusType), [...NODE_STATUSES]);
    assert.deepEqual(Object.values(StorageType), [...STORAGE_TYPES]);
    assert.deepEqual(Object.values(AccessType), [...ROLES]);
  });
});
