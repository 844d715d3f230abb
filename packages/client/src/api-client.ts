import type { ApiClientOptions } from './client-options.js';
import { importReportStream, type ImportReportStream, type ImportStreamOptions } from './report-stream.js';
import { joinUrl, queryString, segment } from './request-url.js';
import { sendRequest, type HttpMethod } from './send-request.js';
import type {
  ActionResponse,
  AddUserToWorkspaceRequest,
  AlertChannelResponse,
  AlertChannelsResponse,
  AlertDeliveriesQuery,
  AlertDeliveriesResponse,
  AlertRuleRequest,
  AlertRuleResponse,
  AlertRulesResponse,
  CreateAlertChannelRequest,
  CreateAlertChannelResponse,
  RotateAlertSecretResponse,
  TestAlertResponse,
  UpdateAlertChannelRequest,
  CreateBucketRequest,
  CreateBucketResponse,
  CreateNodeRequest,
  CreateNodeResponse,
  CreateUserRequest,
  CreateUserResponse,
  CreateUserTokenRequest,
  CreateUserTokenResponse,
  CreateWorkspaceRequest,
  CreateWorkspaceResponse,
  GetBucketLatencyRequest,
  GetBucketLatencyResponse,
  GetBucketNodeStatsRequest,
  GetBucketNodeStatsResponse,
  GetBucketRangeStatsRequest,
  GetBucketRangeStatsResponse,
  GetBucketReportRequest,
  GetBucketReportResponse,
  GetBucketIncidentsResponse,
  GetBucketsResponse,
  GetTokensResponse,
  GetWorkspaceResponse,
  GetWorkspacesResponse,
  ImportNodeRegistrationRequest,
  ImportReportsRequest,
  ImportReportsResponse,
  ImportMaintenanceRequest,
  ImportMaintenanceResponse,
  MaintenanceWindowRequest,
  MaintenanceWindowResponse,
  MaintenanceWindowsResponse,
  NodeSigner,
  NodeStatusRequest,
  NodeStatusResponse,
  RegisterNodeRequest,
  RegisterNodeResponse,
  StorageBucketStatusResponse,
  UpdateBucketRequest,
  UpdateBucketResponse,
  UpdateUserRoleRequest,
  UpdateWorkspaceRequest,
  UpdateWorkspaceResponse,
} from './types.js';

/**
 * The client of the bucket statistics service, with the names and shapes of
 * the platform's published `ApiClient`: code written against that one works
 * with only its import changed. Methods are arrow properties, as there, so
 * they may be passed around unbound.
 *
 * @example
 * const client = new ApiClient('http://127.0.0.1:3000');
 * client.setAuthToken(process.env.FLASHBACK_TOKEN ?? null);
 * const { nodeStats } = await client.getBucketNodeStats(bucketId, { day: new Date('2024-01-15T00:00:00Z') });
 */
export class ApiClient {
  private readonly headers: Record<string, string> = { Accept: 'application/json' };

  /**
   * @param baseURL where the service answers, e.g. `https://stats.example.com` (a trailing `/` is fine).
   * @param options a timeout, an abort signal, another `fetch`... (none: as the platform's client).
   */
  constructor(
    private readonly baseURL: string,
    private readonly options: ApiClientOptions = {},
  ) {}

  /**
   * Sends `Authorization: Bearer <token>` on every later call. A `null` or
   * empty token leaves the header as it was, as the platform's client does.
   *
   * @example
   * client.setAuthToken(token);
   */
  setAuthToken = (token: string | null): void => {
    if (token) this.headers.Authorization = `Bearer ${token}`;
  };

  /**
   * Per bridge node, the uptime, latencies, version and status of a bucket
   * for one UTC day. Needs any role in the bucket's workspace.
   *
   * @example
   * const { nodeStats } = await client.getBucketNodeStats(bucketId, { day: new Date('2024-01-15T00:00:00Z') });
   */
  getBucketNodeStats = (bucketId: string, data: GetBucketNodeStatsRequest): Promise<GetBucketNodeStatsResponse> =>
    this.makeRequest<GetBucketNodeStatsResponse>(`bucket/${segment(bucketId)}/stats`, 'POST', data);

  /**
   * The state of each node serving a bucket now.
   *
   * @example
   * const { nodeStatus } = await client.getStorageBucketStatus(bucketId);
   */
  getStorageBucketStatus = (bucketId: string): Promise<StorageBucketStatusResponse> =>
    this.makeRequest<StorageBucketStatusResponse>(`bucket/${segment(bucketId)}/status`, 'GET', null);

  /**
   * The stats call for every day of a range at once, each entry with its
   * node's id and region (what the dashboard draws).
   *
   * @example
   * const { days } = await client.getBucketRangeStats(bucketId, { from: '2024-01-01', to: '2024-01-31' });
   */
  getBucketRangeStats = (bucketId: string, request: GetBucketRangeStatsRequest): Promise<GetBucketRangeStatsResponse> =>
    this.makeRequest<GetBucketRangeStatsResponse>(`bucket/${segment(bucketId)}/stats/range`, 'POST', request);

  /**
   * Each node's mean latency per minute through one UTC day.
   *
   * @example
   * const { nodes } = await client.getBucketLatency(bucketId, { day: '2024-01-15' });
   */
  getBucketLatency = (bucketId: string, request: GetBucketLatencyRequest): Promise<GetBucketLatencyResponse> =>
    this.makeRequest<GetBucketLatencyResponse>(`bucket/${segment(bucketId)}/latency`, 'POST', request);

  /**
   * The SLA report of a period (`sla.md`): per node and for the bucket,
   * uptime with and without maintenance, downtime, incidents, latency mean
   * and percentiles. At most 366 days; `to` not after today.
   *
   * @example
   * const { bucket, nodes } = await client.getBucketReport(bucketId, { from: '2026-11-01', to: '2026-11-30' });
   * console.log(bucket.perc_uptime_sla, nodes.map((n) => n.p95_latency_ms));
   */
  getBucketReport = (bucketId: string, request: GetBucketReportRequest): Promise<GetBucketReportResponse> =>
    this.makeRequest<GetBucketReportResponse>(`bucket/${segment(bucketId)}/report`, 'POST', request);

  /**
   * The same report as CSV text: a header line of field names, one line per node.
   *
   * @example
   * await writeFile('report.csv', await client.getBucketReportCsv(bucketId, { from: '2026-11-01', to: '2026-11-30' }));
   */
  getBucketReportCsv = (bucketId: string, request: GetBucketReportRequest): Promise<string> =>
    this.makeRequest<string>(`bucket/${segment(bucketId)}/report`, 'POST', request, { accept: 'text/csv', read: 'text' });

  /**
   * The same report as a one-page PDF, as bytes.
   *
   * @example
   * await writeFile('report.pdf', await client.getBucketReportPdf(bucketId, { from: '2026-11-01', to: '2026-11-30' }));
   */
  getBucketReportPdf = (bucketId: string, request: GetBucketReportRequest): Promise<Uint8Array> =>
    this.makeRequest<Uint8Array>(`bucket/${segment(bucketId)}/report`, 'POST', request, {
      accept: 'application/pdf',
      read: 'bytes',
    });

  /**
   * The incidents overlapping a period, newest first.
   *
   * @example
   * const { incidents } = await client.getBucketIncidents(bucketId, { from: '2026-11-01', to: '2026-11-30' });
   */
  getBucketIncidents = (bucketId: string, request: GetBucketReportRequest): Promise<GetBucketIncidentsResponse> =>
    this.makeRequest<GetBucketIncidentsResponse>(`bucket/${segment(bucketId)}/incidents`, 'POST', request);

  /**
   * Creates a bucket in a workspace where the caller is WRITE or ADMIN.
   *
   * @example
   * const { bucketId } = await client.createStorageBucket({ name: 'invoices', workspaceId, storageType: StorageType.S3 });
   */
  createStorageBucket = (data: CreateBucketRequest): Promise<CreateBucketResponse> =>
    this.makeRequest<CreateBucketResponse>('bucket', 'POST', data);

  /**
   * The buckets of one workspace, or of all the caller's workspaces when
   * `workspaceId` is left out. `walletAddress` is there for the platform's
   * signature; this service ignores it.
   *
   * @example
   * const { buckets } = await client.getStorageBuckets(workspaceId);
   */
  getStorageBuckets = (workspaceId?: string, walletAddress?: string): Promise<GetBucketsResponse> =>
    this.makeRequest<GetBucketsResponse>('bucket', 'GET', { workspaceId, walletAddress });

  /**
   * Changes a bucket's name and other fields (WRITE or ADMIN); `workspaceId`
   * must be the bucket's own, since buckets do not move.
   *
   * @example
   * await client.updateStorageBucket(bucketId, { name: 'invoices-2024', workspaceId, region: 'eu-west-1' });
   */
  updateStorageBucket = (bucketId: string, data: UpdateBucketRequest): Promise<UpdateBucketResponse> =>
    this.makeRequest<UpdateBucketResponse>(`bucket/${segment(bucketId)}`, 'PUT', data);

  /**
   * Deletes a bucket with its reports and statistics (WRITE or ADMIN).
   *
   * @example
   * await client.deleteStorageBucket(bucketId);
   */
  deleteStorageBucket = (bucketId: string): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`bucket/${segment(bucketId)}`, 'DELETE', null);

  /**
   * Creates an alert channel of a workspace (ADMIN). A webhook channel's
   * signing secret comes back in `secret`, this once.
   *
   * @example
   * const { channel, secret } = await client.createAlertChannel(workspaceId, { name: 'on-call', kind: 'webhook', url });
   */
  createAlertChannel = (workspaceId: string, request: CreateAlertChannelRequest): Promise<CreateAlertChannelResponse> =>
    this.makeRequest<CreateAlertChannelResponse>(`${this.alerts(workspaceId)}/channels`, 'POST', request);

  /**
   * Lists a workspace's alert channels (any member).
   *
   * @example
   * const { channels } = await client.getAlertChannels(workspaceId);
   */
  getAlertChannels = (workspaceId: string): Promise<AlertChannelsResponse> =>
    this.makeRequest<AlertChannelsResponse>(`${this.alerts(workspaceId)}/channels`, 'GET', null);

  /**
   * One alert channel (any member).
   *
   * @example
   * const { channel } = await client.getAlertChannel(workspaceId, channelId);
   */
  getAlertChannel = (workspaceId: string, channelId: string): Promise<AlertChannelResponse> =>
    this.makeRequest<AlertChannelResponse>(`${this.alerts(workspaceId)}/channels/${segment(channelId)}`, 'GET', null);

  /**
   * Changes an alert channel (ADMIN); `enabled: true` enables one that a 410 disabled.
   *
   * @example
   * await client.updateAlertChannel(workspaceId, channelId, { enabled: true });
   */
  updateAlertChannel = (
    workspaceId: string,
    channelId: string,
    request: UpdateAlertChannelRequest,
  ): Promise<AlertChannelResponse> =>
    this.makeRequest<AlertChannelResponse>(`${this.alerts(workspaceId)}/channels/${segment(channelId)}`, 'PUT', request);

  /**
   * Deletes an alert channel (ADMIN); a channel that a rule still sends to is a 409.
   *
   * @example
   * await client.deleteAlertChannel(workspaceId, channelId);
   */
  deleteAlertChannel = (workspaceId: string, channelId: string): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`${this.alerts(workspaceId)}/channels/${segment(channelId)}`, 'DELETE', null);

  /**
   * Sends a `test` event to a channel now (ADMIN); follow it with `getAlertDeliveries`.
   *
   * @example
   * const { eventId } = await client.testAlertChannel(workspaceId, channelId);
   */
  testAlertChannel = (workspaceId: string, channelId: string): Promise<TestAlertResponse> =>
    this.makeRequest<TestAlertResponse>(`${this.alerts(workspaceId)}/channels/${segment(channelId)}/test`, 'POST', {});

  /**
   * Replaces a webhook channel's signing secret (ADMIN); the new one is answered this once.
   *
   * @example
   * const { secret } = await client.rotateAlertChannelSecret(workspaceId, channelId);
   */
  rotateAlertChannelSecret = (workspaceId: string, channelId: string): Promise<RotateAlertSecretResponse> =>
    this.makeRequest<RotateAlertSecretResponse>(
      `${this.alerts(workspaceId)}/channels/${segment(channelId)}/rotate-secret`,
      'POST',
      {},
    );

  /**
   * Creates an alert rule (ADMIN): which events of which buckets go to which channels.
   *
   * @example
   * const { rule } = await client.createAlertRule(workspaceId, { name: 'edge', events: ['node.down', 'node.up'], channelIds: [channelId] });
   */
  createAlertRule = (workspaceId: string, request: AlertRuleRequest): Promise<AlertRuleResponse> =>
    this.makeRequest<AlertRuleResponse>(`${this.alerts(workspaceId)}/rules`, 'POST', request);

  /**
   * Lists a workspace's alert rules (any member).
   *
   * @example
   * const { rules } = await client.getAlertRules(workspaceId);
   */
  getAlertRules = (workspaceId: string): Promise<AlertRulesResponse> =>
    this.makeRequest<AlertRulesResponse>(`${this.alerts(workspaceId)}/rules`, 'GET', null);

  /**
   * One alert rule (any member).
   *
   * @example
   * const { rule } = await client.getAlertRule(workspaceId, ruleId);
   */
  getAlertRule = (workspaceId: string, ruleId: string): Promise<AlertRuleResponse> =>
    this.makeRequest<AlertRuleResponse>(`${this.alerts(workspaceId)}/rules/${segment(ruleId)}`, 'GET', null);

  /**
   * Replaces an alert rule (ADMIN).
   *
   * @example
   * await client.updateAlertRule(workspaceId, ruleId, { ...rule, forSeconds: 120 });
   */
  updateAlertRule = (workspaceId: string, ruleId: string, request: AlertRuleRequest): Promise<AlertRuleResponse> =>
    this.makeRequest<AlertRuleResponse>(`${this.alerts(workspaceId)}/rules/${segment(ruleId)}`, 'PUT', request);

  /**
   * Deletes an alert rule (ADMIN).
   *
   * @example
   * await client.deleteAlertRule(workspaceId, ruleId);
   */
  deleteAlertRule = (workspaceId: string, ruleId: string): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`${this.alerts(workspaceId)}/rules/${segment(ruleId)}`, 'DELETE', null);

  /**
   * Every try of every delivery of a workspace's alerts, and the deliveries
   * waiting for their next try, newest first (any member).
   *
   * @example
   * const { deliveries } = await client.getAlertDeliveries(workspaceId, { status: 'failed', limit: 50 });
   */
  getAlertDeliveries = (workspaceId: string, query: AlertDeliveriesQuery = {}): Promise<AlertDeliveriesResponse> =>
    this.makeRequest<AlertDeliveriesResponse>(`${this.alerts(workspaceId)}/deliveries`, 'GET', {
      ...query,
      ...(query.limit !== undefined && { limit: String(query.limit) }),
    });

  private alerts(workspaceId: string): string {
    return `workspace/${segment(workspaceId)}/alerts`;
  }

  /**
   * Announces a maintenance window of a bucket (WRITE or ADMIN): one
   * interval, or a recurrence. `start` must not lie before now.
   *
   * @example
   * const { window } = await client.createMaintenanceWindow(bucketId, {
   *   start: '2030-01-06T02:00:00Z', rrule: 'FREQ=WEEKLY;BYDAY=SU', durationMinutes: 60, reason: 'patch night',
   * });
   */
  createMaintenanceWindow = (bucketId: string, request: MaintenanceWindowRequest): Promise<MaintenanceWindowResponse> =>
    this.makeRequest<MaintenanceWindowResponse>(`bucket/${segment(bucketId)}/maintenance`, 'POST', request);

  /**
   * Lists a bucket's maintenance windows as they are now (any member).
   *
   * @example
   * const { windows } = await client.getMaintenanceWindows(bucketId);
   */
  getMaintenanceWindows = (bucketId: string): Promise<MaintenanceWindowsResponse> =>
    this.makeRequest<MaintenanceWindowsResponse>(`bucket/${segment(bucketId)}/maintenance`, 'GET', null);

  /**
   * Changes a maintenance window from now on (WRITE or ADMIN); the part
   * already past stays as it was. A start already past may be kept.
   *
   * @example
   * await client.updateMaintenanceWindow(bucketId, windowId, { start: window.start, end: '2030-01-06T05:00:00Z' });
   */
  updateMaintenanceWindow = (
    bucketId: string,
    windowId: string,
    request: MaintenanceWindowRequest,
  ): Promise<MaintenanceWindowResponse> =>
    this.makeRequest<MaintenanceWindowResponse>(`bucket/${segment(bucketId)}/maintenance/${segment(windowId)}`, 'PUT', request);

  /**
   * Ends a maintenance window now (WRITE or ADMIN); the part already past keeps counting.
   *
   * @example
   * await client.deleteMaintenanceWindow(bucketId, windowId);
   */
  deleteMaintenanceWindow = (bucketId: string, windowId: string): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`bucket/${segment(bucketId)}/maintenance/${segment(windowId)}`, 'DELETE', null);

  /**
   * Imports past maintenance windows (operator), all or nothing; they are marked `imported`.
   *
   * @example
   * const { ids } = await operator.importMaintenanceWindows({ windows: [{ bucketId, start: '2023-05-01T02:00:00Z', end: '2023-05-01T04:00:00Z' }] });
   */
  importMaintenanceWindows = (request: ImportMaintenanceRequest): Promise<ImportMaintenanceResponse> =>
    this.makeRequest<ImportMaintenanceResponse>('admin/maintenance', 'POST', request);

  /**
   * Creates a workspace whose ADMIN is the caller (or, for the operator, the
   * user named in `ownerId`).
   *
   * @example
   * const { workspace } = await client.createWorkspace({ name: 'Acme' });
   */
  createWorkspace = (request: CreateWorkspaceRequest): Promise<CreateWorkspaceResponse> =>
    this.makeRequest<CreateWorkspaceResponse>('workspace', 'POST', request);

  /**
   * The caller's workspaces, each with the caller's role.
   *
   * @example
   * const { workspaces } = await client.getWorkspaces();
   */
  getWorkspaces = (): Promise<GetWorkspacesResponse> => this.makeRequest<GetWorkspacesResponse>('workspace', 'GET', null);

  /**
   * One workspace with its members (any member may read it).
   *
   * @example
   * const { workspace } = await client.getWorkspace(workspaceId);
   */
  getWorkspace = (id: string): Promise<GetWorkspaceResponse> =>
    this.makeRequest<GetWorkspaceResponse>(`workspace/${segment(id)}`, 'GET', null);

  /**
   * Renames a workspace (ADMIN of the workspace).
   *
   * @example
   * const { workspace } = await client.updateWorkspace(workspaceId, { name: 'Acme Europe' });
   */
  updateWorkspace = (id: string, request: UpdateWorkspaceRequest): Promise<UpdateWorkspaceResponse> =>
    this.makeRequest<UpdateWorkspaceResponse>(`workspace/${segment(id)}`, 'PUT', request);

  /**
   * Deletes a workspace and its memberships (ADMIN of the workspace); one
   * that still has buckets is refused with a 409.
   *
   * @example
   * await client.deleteWorkspace(workspaceId);
   */
  deleteWorkspace = (id: string): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`workspace/${segment(id)}`, 'DELETE', null);

  /**
   * Makes a user a member of a workspace (ADMIN of the workspace).
   *
   * @example
   * await client.addUserToWorkspace(workspaceId, { userId, role: AccessType.READ });
   */
  addUserToWorkspace = (workspaceId: string, request: AddUserToWorkspaceRequest): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`workspace/${segment(workspaceId)}/users`, 'POST', request);

  /**
   * Changes a member's role (ADMIN of the workspace; its last ADMIN stays one).
   *
   * @example
   * await client.updateWorkspaceUserRole(workspaceId, userId, { role: AccessType.WRITE });
   */
  updateWorkspaceUserRole = (workspaceId: string, userId: string, request: UpdateUserRoleRequest): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`workspace/${segment(workspaceId)}/users/${segment(userId)}`, 'PUT', request);

  /**
   * Removes a member from a workspace (ADMIN of the workspace).
   *
   * @example
   * await client.removeUserFromWorkspace(workspaceId, userId);
   */
  removeUserFromWorkspace = (workspaceId: string, userId: string): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`workspace/${segment(workspaceId)}/users/${segment(userId)}`, 'DELETE', null);

  /**
   * The caller's tokens that are not revoked, without their secrets.
   *
   * @example
   * const { tokens } = await client.getTokens();
   */
  getTokens = (): Promise<GetTokensResponse> => this.makeRequest<GetTokensResponse>('token', 'GET', null);

  /**
   * Revokes one of the caller's tokens (the operator may revoke any); it
   * stops working at once.
   *
   * @example
   * await client.revokeToken(tokenId);
   */
  revokeToken = (tokenId: string): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`token/${segment(tokenId)}`, 'DELETE', null);

  /**
   * Creates a user (operator); an email already taken is a 409.
   *
   * @example
   * const { user } = await operator.createUser({ email: 'ada@example.com', name: 'Ada' });
   */
  createUser = (request: CreateUserRequest): Promise<CreateUserResponse> =>
    this.makeRequest<CreateUserResponse>('admin/users', 'POST', request);

  /**
   * Issues a bearer token to a user (operator); its secret is in the answer only.
   *
   * @example
   * const { token } = await operator.createUserToken(userId, { name: 'laptop' });
   */
  createUserToken = (userId: string, request: CreateUserTokenRequest): Promise<CreateUserTokenResponse> =>
    this.makeRequest<CreateUserTokenResponse>(`admin/users/${segment(userId)}/tokens`, 'POST', request);

  /**
   * Creates a bridge node with its Ed25519 public key (operator).
   *
   * @example
   * const { node } = await operator.createNode({ ip, host, region: 'us-east-1', provider: 'aws', version: '1.2.3', publicKey });
   */
  createNode = (request: CreateNodeRequest): Promise<CreateNodeResponse> =>
    this.makeRequest<CreateNodeResponse>('admin/nodes', 'POST', request);

  /**
   * Imports a past re-registration of a node (operator), for migrations and backfills.
   *
   * @example
   * await operator.importNodeRegistration(nodeId, { at: new Date('2024-01-10T00:00:00Z'), version: '1.2.3' });
   */
  importNodeRegistration = (nodeId: string, request: ImportNodeRegistrationRequest): Promise<ActionResponse> =>
    this.makeRequest<ActionResponse>(`admin/nodes/${segment(nodeId)}/registrations`, 'POST', request);

  /**
   * Imports history (operator): reports in bulk, all or nothing.
   *
   * @example
   * const { accepted } = await operator.importReports({ reports: [{ nodeId, bucketId, at, status: NodeStatusType.ONLINE }] });
   */
  importReports = (request: ImportReportsRequest): Promise<ImportReportsResponse> =>
    this.makeRequest<ImportReportsResponse>('admin/reports', 'POST', request);

  /**
   * Imports a stream of reports (operator) in batches, yielding each batch
   * once the service acknowledged it; see `importReportStream` for how
   * refusals and outages are handled.
   *
   * @example
   * for await (const batch of operator.importReportStream(reports, { batchSize: 5000 })) console.log(batch.accepted);
   */
  importReportStream: ImportReportStream = <T>(items: AsyncIterable<T> | Iterable<T>, options?: ImportStreamOptions<T>) =>
    importReportStream(this.importReports, items, options);

  /**
   * A bridge node's registration: what it runs as from now on. Signed by
   * `node.sign` instead of a bearer token.
   *
   * @example
   * await client.registerNode(node, { ip: '10.0.0.5', region: 'us-east-1', provider: 'aws', version: '1.2.3', timestamp: Date.now() });
   */
  registerNode = (node: NodeSigner, request: RegisterNodeRequest): Promise<RegisterNodeResponse> =>
    this.makeSignedRequest<RegisterNodeResponse>('node/register', node, request);

  /**
   * A bridge node's report on its buckets (up to 1000 entries), signed by
   * `node.sign`; entries the service cannot store come back in `rejected`.
   *
   * @example
   * const { accepted, rejected } = await client.sendNodeStatus(node, { ip, region, timestamp: Date.now(), buckets });
   */
  sendNodeStatus = (node: NodeSigner, request: NodeStatusRequest): Promise<NodeStatusResponse> =>
    this.makeSignedRequest<NodeStatusResponse>('node/status', node, request);

  /**
   * The one way every bearer call goes: `data` becomes the query string of
   * a GET and the JSON body of anything else (a `Date` in it is sent as its
   * ISO string). A 2xx with an empty body resolves to `null`, which no call
   * of this service answers; the type says `T` because the platform's does.
   */
  private async makeRequest<T>(
    path: string,
    method: HttpMethod,
    data: unknown,
    answer: { accept: string; read: 'text' | 'bytes' } | undefined = undefined,
  ): Promise<T> {
    const isGet = method === 'GET';
    const hasBody = !isGet && data !== undefined && data !== null;
    const headers = { ...this.headers, ...(answer && { Accept: answer.accept }) };
    return sendRequest<T>(this.options, {
      method,
      url: joinUrl(this.baseURL, path) + (isGet ? queryString(data) : ''),
      headers: hasBody ? { ...headers, 'Content-Type': 'application/json' } : headers,
      ...(hasBody && { body: JSON.stringify(data) }),
      ...(answer && { read: answer.read }),
    });
  }

  /** A node's call: the body serialised once, signed as those exact bytes, and sent as they are. */
  private async makeSignedRequest<T>(path: string, node: NodeSigner, data: object): Promise<T> {
    const body = JSON.stringify(data);
    const headers = {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'X-Node-Id': node.nodeId,
      'X-Signature': await node.sign(body),
    };
    return sendRequest<T>(this.options, { method: 'POST', url: joinUrl(this.baseURL, path), headers, body });
  }
}
