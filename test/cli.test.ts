import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMember, createUser, createWorkspace, createBucket, NODE_PUBLIC_PEM, stage } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';
import { asOperator, closedPort, failed, listen, ok, runCli, type CliRun } from './fixtures/cli/cli-harness.js';
import { storedReports, writeNdjsonReports } from './fixtures/cli/report-files.js';

const NOW = '2024-02-01T12:00:00.000Z';
const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'src/cli/fbstats.ts');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const json = <T>(run: CliRun): T => JSON.parse(ok(run).stdout) as T;

/** The import state a running import has saved, if any (it goes away when the import completes). */
function readState(path: string): { line: number } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { line: number };
  } catch {
    return undefined;
  }
}

for (const kind of STORE_KINDS) {
  describe(`fbstats commands (${kind})`, () => {
    let t: TestApp;
    let url: string;
    let dir: string;
    let op: string[];
    const fbstats = (...argv: string[]): Promise<CliRun> => runCli([...argv, ...op], { now: () => t.clock.now() });
    const asUser = (token: string, ...argv: string[]): Promise<CliRun> => runCli([...argv, '--url', url, '--token', token]);

    before(async () => {
      t = await startTestApp(kind, { now: NOW });
      url = await listen(t);
      op = asOperator(url);
      dir = mkdtempSync(join(tmpdir(), 'fbstats-cli-'));
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('user create: a line for a person, the answer with --json; a taken email is the service message and exit 1', async () => {
      const human = ok(await fbstats('user', 'create', '--email', 'ada@example.com', '--name', 'Ada'));
      assert.match(human.stdout, /^created user [0-9a-f-]{36} \(ada@example\.com\)\n$/);
      const answer = json<{ success: boolean; user: { id: string; email: string; name: string } }>(
        await fbstats('user', 'create', '--email', 'grace@example.com', '--name', 'Grace', '--json'),
      );
      assert.equal(answer.success, true);
      assert.match(answer.user.id, UUID);
      assert.deepEqual([answer.user.email, answer.user.name], ['grace@example.com', 'Grace']);
      failed(
        await fbstats('user', 'create', '--email', 'ada@example.com', '--name', 'Ada'),
        1,
        /^error: the email ada@example\.com is already taken \(HTTP 409\)\n$/,
      );
    });

    it('token create and revoke: the secret is shown once and works until revoked', async () => {
      const userId = await createUser(t, 'tokens@example.com');
      const created = json<{ tokenId: string; token: string }>(
        await fbstats('token', 'create', '--user', userId, '--name', 'laptop', '--json'),
      );
      ok(await asUser(created.token, 'workspace', 'list'));
      const human = ok(await fbstats('token', 'create', '--user', userId, '--name', 'ci', '--expires', '2030-01-01T00:00:00Z'));
      const [first, secret] = human.stdout.trimEnd().split('\n');
      assert.match(first ?? '', new RegExp(`^created token [0-9a-f-]{36} for user ${userId}; its secret, shown this once:$`));
      ok(await asUser(secret ?? '', 'workspace', 'list'));
      failed(await fbstats('token', 'create', '--user', userId, '--name', 'x', '--expires', 'tomorrow'), 1, /expiresAt/);

      assert.equal(ok(await fbstats('token', 'revoke', created.tokenId)).stdout, `revoked token ${created.tokenId}\n`);
      failed(await asUser(created.token, 'workspace', 'list'), 1, /^error: .+ \(HTTP 401\)\n$/);
      failed(await fbstats('token', 'revoke', '00000000-0000-4000-8000-000000000000'), 1, /no token .+ \(HTTP 404\)/);
    });

    it('workspace create and list; the operator must name the owner', async () => {
      const owner = await createMember(t, 'owner@example.com');
      failed(
        await fbstats('workspace', 'create', '--name', 'Acme'),
        1,
        /the operator must name the owning user in ownerId \(HTTP 400\)/,
      );
      const human = ok(await fbstats('workspace', 'create', '--name', 'Acme', '--owner', owner.userId));
      const id = /^created workspace ([0-9a-f-]{36}) \(Acme\)\n$/.exec(human.stdout)?.[1];
      assert.ok(id, human.stdout);
      const byUser = json<{ workspace: { id: string; name: string } }>(
        await asUser(owner.token, 'workspace', 'create', '--name', 'Side', '--json'),
      );
      assert.equal(byUser.workspace.name, 'Side');

      const table = ok(await asUser(owner.token, 'workspace', 'list')).stdout.split('\n');
      assert.match(table[0] ?? '', /^id {36}role {3}name$/);
      assert.ok(table.includes(`${id}  ADMIN  Acme`), table.join('\n'));
      const listed = json<{ workspaces: Array<{ id: string; role: string }> }>(
        await asUser(owner.token, 'workspace', 'list', '--json'),
      );
      assert.deepEqual(
        listed.workspaces.map((w) => w.role),
        ['ADMIN', 'ADMIN'],
      );
      const stranger = await createMember(t, 'stranger@example.com');
      assert.equal(ok(await asUser(stranger.token, 'workspace', 'list')).stdout, 'no workspaces\n');
    });

    it('member add (READ by default), set, remove; the service refusals exit 1, a missing role exits 2', async () => {
      const owner = await createMember(t, 'admin@example.com');
      const member = await createMember(t, 'member@example.com');
      const workspaceId = await createWorkspace(t, owner.userId, 'Team');
      const target = ['--workspace', workspaceId, '--user', member.userId];
      const roleSeen = async (): Promise<string | undefined> =>
        json<{ workspaces: Array<{ role: string }> }>(await asUser(member.token, 'workspace', 'list', '--json')).workspaces[0]
          ?.role;

      const added = ok(await asUser(owner.token, 'member', 'add', ...target));
      assert.equal(added.stdout, `added user ${member.userId} to workspace ${workspaceId} as READ\n`);
      assert.equal(await roleSeen(), 'READ');
      failed(await asUser(owner.token, 'member', 'add', ...target, '--role', 'ADMIN'), 1, /already a member; .+ \(HTTP 409\)/);
      failed(await asUser(member.token, 'member', 'set', ...target, '--role', 'ADMIN'), 1, /\(HTTP 403\)/);
      assert.deepEqual(json(await fbstats('member', 'set', ...target, '--role', 'WRITE', '--json')), { success: true });
      assert.equal(await roleSeen(), 'WRITE');
      failed(await asUser(owner.token, 'member', 'set', ...target), 2, /member set needs --role/);
      failed(
        await asUser(owner.token, 'member', 'set', ...target, '--role', 'OWNER'),
        2,
        /Allowed choices are READ, WRITE, ADMIN/,
      );
      assert.equal(
        ok(await asUser(owner.token, 'member', 'remove', ...target)).stdout,
        `removed user ${member.userId} from workspace ${workspaceId}\n`,
      );
      assert.equal(await roleSeen(), undefined);
    });

    it('bucket create, list, delete', async () => {
      const owner = await createMember(t, 'buckets@example.com');
      const workspaceId = await createWorkspace(t, owner.userId, 'Storage');
      const created = json<{ success: boolean; bucketId: string }>(
        await asUser(
          owner.token,
          'bucket',
          'create',
          '--workspace',
          workspaceId,
          '--name',
          'invoices',
          '--storage-type',
          'GCS',
          '--bucket',
          'inv-prod',
          '--region',
          'europe-west1',
          '--json',
        ),
      );
      assert.match(created.bucketId, UUID);
      const plain = ok(await asUser(owner.token, 'bucket', 'create', '--workspace', workspaceId, '--name', 'logs'));
      assert.match(plain.stdout, /^created bucket [0-9a-f-]{36} \(logs\)\n$/);

      const lines = ok(await asUser(owner.token, 'bucket', 'list', '--workspace', workspaceId))
        .stdout.trimEnd()
        .split('\n');
      assert.match(lines[0] ?? '', /^id +name +workspace +type +bucket +endpoint +region +created$/);
      const row = lines.find((line) => line.startsWith(created.bucketId)) ?? '';
      assert.match(
        row,
        new RegExp(`^${created.bucketId}  invoices  ${workspaceId}  GCS   inv-prod  -  +europe-west1  2024-02-01T12:00:00.000Z$`),
      );
      assert.equal(lines.length, 3);
      const listed = json<{ buckets: Array<{ id: string; storageType: string }> }>(
        await asUser(owner.token, 'bucket', 'list', '--json'),
      );
      assert.deepEqual(listed.buckets.map((b) => b.storageType).sort(), ['GCS', 'S3']);

      failed(
        await asUser(owner.token, 'bucket', 'create', '--workspace', workspaceId, '--name', 'x', '--storage-type', 'FTP'),
        2,
        /Allowed choices are S3, GCS, BLOB/,
      );
      assert.equal(
        ok(await asUser(owner.token, 'bucket', 'delete', created.bucketId)).stdout,
        `deleted bucket ${created.bucketId}\n`,
      );
      failed(await asUser(owner.token, 'bucket', 'delete', created.bucketId), 1, /\(HTTP 404\)/);
      failed(await asUser(owner.token, 'bucket', 'delete', 'not-an-id'), 1, /\(HTTP 400\)/);
    });

    it("node create reads the public key file; its --version is the node's, not fbstats's", async () => {
      const keyFile = join(dir, 'node.pub');
      writeFileSync(keyFile, NODE_PUBLIC_PEM);
      const fields = [
        '--ip',
        '10.0.0.7',
        '--host',
        'node-7.example.com',
        '--region',
        'us-east-1',
        '--provider',
        'aws',
        '--version',
        '1.2.3',
      ];
      const answer = json<{ node: { id: string; version: string; publicKey: string } }>(
        await fbstats('node', 'create', ...fields, '--public-key', keyFile, '--json'),
      );
      assert.equal(answer.node.version, '1.2.3');
      assert.equal(answer.node.publicKey, NODE_PUBLIC_PEM);
      assert.match(
        ok(await fbstats('node', 'create', ...fields, '--public-key', keyFile)).stdout,
        /^created node [0-9a-f-]{36} \(node-7\.example\.com, 10\.0\.0\.7\)\n$/,
      );
      failed(
        await fbstats('node', 'create', ...fields, '--public-key', join(dir, 'missing.pub')),
        1,
        /cannot read the public key .*missing\.pub/,
      );
      writeFileSync(join(dir, 'junk.pub'), 'not a key');
      failed(
        await fbstats('node', 'create', ...fields, '--public-key', join(dir, 'junk.pub')),
        1,
        /Ed25519 public key .+\(HTTP 400\)/,
      );
    });

    it('stats: the worked example as an aligned table and as JSON; today (UTC) by default', async () => {
      const { bucketId, ...owner } = await stage(t, 'stats');
      const keyFile = join(dir, 'stats-node.pub');
      writeFileSync(keyFile, NODE_PUBLIC_PEM);
      const node = json<{ node: { id: string } }>(
        await fbstats(
          'node',
          'create',
          '--ip',
          '192.168.1.100',
          '--host',
          '*-us-east-1-aws.flashback.tech',
          '--region',
          'us-east-1',
          '--provider',
          'aws',
          '--version',
          '1.2.3',
          '--public-key',
          keyFile,
          '--json',
        ),
      );
      const file = join(dir, 'worked-example.ndjson');
      const reports: Array<[string, string, number | null]> = [
        ['06:00:00', 'ONLINE', 40],
        ['06:01:00', 'ONLINE', 50],
        ['06:02:00', 'OFFLINE', null],
        ['06:03:00', 'ONLINE', 60],
        ['12:00:00', 'ONLINE', 30],
      ];
      writeFileSync(
        file,
        reports
          .map(([time, status, latencyMs]) =>
            JSON.stringify({ nodeId: node.node.id, bucketId, at: `2024-01-15T${time}Z`, status, latencyMs }),
          )
          .join('\n'),
      );
      ok(await fbstats('import', file));

      const table = ok(await asUser(owner.token, 'stats', bucketId, '--day', '2024-01-15'));
      assert.equal(
        table.stdout,
        'host                            ip             version  status        uptime %  avg ms  last ms  last updated\n' +
          '*-us-east-1-aws.flashback.tech  192.168.1.100  1.2.3    DISCONNECTED      0.74      45       30  2024-01-15T12:00:00.000Z\n',
      );
      const answer = json(await asUser(owner.token, 'stats', bucketId, '--day', '2024-01-15', '--json'));
      assert.deepEqual(answer, {
        success: true,
        nodeStats: [
          {
            ip: '192.168.1.100',
            host: '*-us-east-1-aws.flashback.tech',
            perc_uptime: 0.74,
            avg_latency_ms: 45,
            version: '1.2.3',
            node_status: 'DISCONNECTED',
            last_updated: '2024-01-15T12:00:00.000Z',
            last_latency_ms: 30,
          },
        ],
      });
      const today = await runCli(['stats', bucketId, '--url', url, '--token', owner.token], { now: () => t.clock.now() });
      assert.equal(ok(today).stdout, `no node reported on bucket ${bucketId} by the end of 2024-02-01\n`);
      failed(await asUser(owner.token, 'stats', bucketId, '--day', '2024-02-02'), 1, /\(HTTP 400\)/);
      const stranger = await createMember(t, 'stats-stranger@example.com');
      failed(await asUser(stranger.token, 'stats', bucketId, '--day', '2024-01-15'), 1, /\(HTTP 403\)/);
    });

    it('the service and token from FBSTATS_URL and FBSTATS_TOKEN; options win over them', async () => {
      const member = await createMember(t, 'env@example.com');
      ok(await runCli(['workspace', 'list'], { env: { FBSTATS_URL: url, FBSTATS_TOKEN: member.token } }));
      ok(
        await runCli(['workspace', 'list', '--url', url], {
          env: { FBSTATS_URL: 'http://127.0.0.1:1', FBSTATS_TOKEN: member.token },
        }),
      );
      ok(await runCli(['--url', url, '--token', member.token, 'workspace', 'list']));
      failed(
        await runCli(['workspace', 'list', '--token', 'wrong-token-0123456789'], {
          env: { FBSTATS_URL: url, FBSTATS_TOKEN: member.token },
        }),
        1,
        /HTTP 401/,
      );
    });

    it('usage errors exit 2, help and version 0; an unreachable service or a missing token are said plainly', async () => {
      const help = await runCli(['--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /Usage: fbstats \[options\] \[command\]/);
      for (const group of ['user', 'token', 'workspace', 'member', 'bucket', 'node', 'agent']) {
        const groupHelp = await runCli([group, '--help']);
        assert.equal(groupHelp.code, 0, group);
        assert.match(groupHelp.stdout, new RegExp(`Usage: fbstats ${group} `));
      }
      assert.match(ok(await runCli(['agent', 'run', '--help'])).stdout, /--bucket <bucketId=url>/);
      assert.equal(
        ok(await runCli(['-V'])).stdout,
        `${(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`,
      );
      failed(await runCli(['frobnicate']), 2, /unknown command 'frobnicate'/);
      failed(await runCli(['user']), 2, /Usage: fbstats user/);
      failed(await runCli(['user', 'create', '--email', 'x@example.com']), 2, /required option '--name <name>' not specified/);
      failed(await runCli(['import']), 2, /missing required argument 'file'/);
      failed(await runCli(['workspace', 'list', '--url', url]), 2, /no token: pass --token or set FBSTATS_TOKEN/);
      failed(await runCli(['workspace', 'list', '--url', 'ftp://x', '--token', 't']), 2, /--url must be an http/);
      const nowhere = `http://127.0.0.1:${await closedPort()}`;
      const unreachable = await runCli(['workspace', 'list', '--url', nowhere, '--token', 't']);
      assert.equal(unreachable.code, 1);
      assert.equal(unreachable.stderr, `error: cannot reach the service at ${nowhere}: ECONNREFUSED\n`);
    });

    it('import: 100 000 NDJSON lines, every report stored once, at a measured rate', async () => {
      const owner = await createMember(t, 'bulk@example.com');
      const workspaceId = await createWorkspace(t, owner.userId);
      const bucketIds = await Promise.all([1, 2, 3, 4, 5].map((n) => createBucket(t, workspaceId, `bulk-${n}`)));
      const nodeIds = await Promise.all(
        [1, 2, 3, 4].map(async (n) => json<{ node: { id: string } }>(await createNodeByCli(n)).node.id),
      );
      const file = join(dir, 'bulk.ndjson');
      await writeNdjsonReports(file, { nodeIds, bucketIds, count: 100_000, from: '2024-01-20T00:00:00.000Z' });

      const started = performance.now();
      const run = ok(await fbstats('import', file, '--json'));
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `[${kind}] fbstats import of 100000 NDJSON lines (batches of 5000): ${Math.round(100_000 / seconds)} lines/s (${seconds.toFixed(2)} s)`,
      );
      assert.deepEqual(
        { ...JSON.parse(run.stdout), seconds: 0 },
        {
          file,
          complete: true,
          linesRead: 100_000,
          accepted: 100_000,
          duplicates: 0,
          badLines: 0,
          resumedAfterLine: 0,
          seconds: 0,
        },
      );
      assert.equal((run.stderr.match(/^imported through line \d+ \(\d+%\)/gm) ?? []).length, 20, run.stderr);
      assert.match(
        run.stderr,
        /imported through line 100000 \(100%\): 100000 accepted, 0 duplicates, 0 bad lines; [1-9]\d* lines\/s/,
      );
      assert.equal(existsSync(`${file}.fbstats-import.json`), false, 'the state goes once the import is complete');
      assert.equal(await storedReports(t, nodeIds), 100_000);
    });

    it('import resumes after being killed half way: what was acknowledged is skipped, every report stored once', async () => {
      const owner = await createMember(t, 'resume@example.com');
      const workspaceId = await createWorkspace(t, owner.userId);
      const bucketIds = await Promise.all([1, 2, 3, 4, 5].map((n) => createBucket(t, workspaceId, `resume-${n}`)));
      const nodeIds = await Promise.all(
        [5, 6, 7, 8].map(async (n) => json<{ node: { id: string } }>(await createNodeByCli(n)).node.id),
      );
      const file = join(dir, 'resume.ndjson');
      const statePath = `${file}.fbstats-import.json`;
      await writeNdjsonReports(file, { nodeIds, bucketIds, count: 100_000, from: '2024-01-20T00:00:00.000Z' });

      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'import', file, '--batch-size', '1000', ...op], {
        cwd: REPO,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let childErrors = '';
      child.stderr.on('data', (chunk: Buffer) => (childErrors += chunk.toString()));
      const exited = once(child, 'exit');
      let killedAt = 0;
      while (child.exitCode === null) {
        const state = readState(statePath);
        if (state && state.line >= 30_000) {
          child.kill('SIGKILL');
          killedAt = state.line;
          break;
        }
        await delay(5);
      }
      const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, 'SIGKILL', `the import ended before it could be interrupted: ${childErrors}`);
      assert.ok(killedAt < 100_000);
      const storedBefore = await storedReports(t, nodeIds);
      assert.ok(storedBefore >= killedAt && storedBefore < 100_000, `${storedBefore} stored when killed after line ${killedAt}`);

      const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { line: number };
      const run = ok(await fbstats('import', file, '--batch-size', '1000', '--json'));
      assert.match(run.stderr, new RegExp(`^resuming after line ${saved.line} \\(\\d+ reports already accepted\\)$`, 'm'));
      const summary = JSON.parse(run.stdout) as {
        linesRead: number;
        accepted: number;
        duplicates: number;
        badLines: number;
        resumedAfterLine: number;
      };
      assert.equal(summary.resumedAfterLine, saved.line);
      assert.equal(summary.linesRead, 100_000);
      assert.equal(summary.badLines, 0);
      assert.equal(summary.accepted + summary.duplicates, 100_000);
      // Only a batch acknowledged after the last saved state can come again.
      assert.ok(summary.duplicates <= 1000, `${summary.duplicates} duplicates`);
      assert.equal(await storedReports(t, nodeIds), 100_000);
      assert.equal(existsSync(statePath), false);
    });

    it("import: bad lines are reported with their line numbers and skipped; the service's refusals too", async () => {
      const { bucketId } = await stage(t, 'bad-lines');
      const nodeId = json<{ node: { id: string } }>(await createNodeByCli(9)).node.id;
      const unknownNode = '00000000-0000-4000-8000-00000000abcd';
      const report = (at: string, fields: Record<string, unknown> = {}): string =>
        JSON.stringify({ nodeId, bucketId, at, status: 'ONLINE', latencyMs: 12, ...fields });
      const lines = [
        report('2024-01-31T10:00:00Z'),
        'not json at all',
        report('2024-01-31T10:01:00Z', { nodeId: 'node-1' }),
        report('2024-01-31T10:02:00Z', { status: undefined }),
        report('2024-01-31T10:03:00Z', { latencyMs: '40' }),
        '',
        report('2024-01-31T10:04:00Z', { nodeId: unknownNode }),
        report('2024-01-31T10:05:00Z', { latencyMs: null }),
        report('2024-01-31T10:06:00Z', { nodeId: unknownNode }),
        report('2024-01-31 10:07:00'),
        '[1, 2]',
        report('2024-01-31T10:08:00+01:00', { status: 'OFFLINE' }),
      ];
      const file = join(dir, 'bad-lines.jsonl');
      writeFileSync(file, `${lines.join('\r\n')}\r\n`);
      const run = ok(await fbstats('import', file, '--batch-size', '3'));
      const problems = run.stderr.split('\n').filter((line) => line.startsWith('line '));
      assert.deepEqual(problems, [
        'line 2: not valid JSON',
        'line 3: nodeId must be a UUID, got "node-1"',
        'line 4: missing status',
        'line 5: latencyMs must be a number of at least 0, or null, got "40"',
        `line 7: nodeId: no node ${unknownNode}`,
        `line 9: nodeId: no node ${unknownNode}`,
        'line 10: at must be an RFC 3339 date-time with an offset (2024-01-15T10:30:00Z), got "2024-01-31 10:07:00"',
        'line 11: not a JSON object',
      ]);
      assert.match(run.stdout, /: 12 lines read, 3 accepted, 0 duplicates, 8 bad lines; [1-9]\d* lines\/s\n$/);
      assert.equal(await storedReports(t, [nodeId]), 3);
    });

    it('import: CSV under a header, columns in any order; a header without the needed columns is refused', async () => {
      const { bucketId, ...owner } = await stage(t, 'csv');
      const nodeId = json<{ node: { id: string } }>(await createNodeByCli(10)).node.id;
      const file = join(dir, 'history.csv');
      writeFileSync(
        file,
        [
          '\uFEFFstatus,at,bucket_id,node_id,latency_ms',
          `ONLINE,2024-01-31T06:00:00Z,${bucketId},${nodeId},40`,
          `"ONLINE","2024-01-31T06:01:00Z","${bucketId}","${nodeId}",`,
          `OFFLINE,2024-01-31T06:02:00Z,${bucketId},${nodeId},null`,
          `UP,2024-01-31T06:03:00Z,${bucketId},${nodeId},1`,
          `ONLINE,2024-01-31T06:04:00Z,${bucketId}`,
          `ONLINE,2024-01-31T06:05:00Z,${bucketId},${nodeId},-3`,
          `"ONLINE,2024-01-31T06:06:00Z,${bucketId},${nodeId},1`,
          `ONLINE,2024-01-31T06:07:00Z,${bucketId},${nodeId},25.5`,
        ].join('\n'),
      );
      const run = ok(await fbstats('import', file));
      assert.deepEqual(
        run.stderr.split('\n').filter((line) => line.startsWith('line ')),
        [
          'line 5: status must be one of ONLINE, OFFLINE, DISCONNECTED, got "UP"',
          'line 6: 3 fields where the header needs at least 5',
          'line 7: latencyMs must be a number of at least 0, or null, got -3',
          'line 8: unbalanced quotes',
        ],
      );
      assert.match(run.stdout, /: 9 lines read, 4 accepted, 0 duplicates, 4 bad lines; /);
      const [stats] = json<{ nodeStats: Array<{ avg_latency_ms: number; last_latency_ms: number }> }>(
        await asUser(owner.token, 'stats', bucketId, '--day', '2024-01-31', '--json'),
      ).nodeStats;
      assert.deepEqual([stats?.avg_latency_ms, stats?.last_latency_ms], [32.75, 25.5]);

      const headless = join(dir, 'headless.csv');
      writeFileSync(headless, `${nodeId},${bucketId},2024-01-31T06:00:00Z,ONLINE,40\n`);
      failed(await fbstats('import', headless), 1, /the CSV header must name the columns nodeId, bucketId, at, status/);
      failed(await fbstats('import', join(dir, 'nowhere.ndjson')), 1, /cannot read .*nowhere\.ndjson/);
      const userToken = ['--url', url, '--token', owner.token];
      failed(await runCli(['import', file, ...userToken]), 1, /\(HTTP 403\); nothing was imported\n$/);
    });

    it('import: a state file left by another file is not reused', async () => {
      const { bucketId } = await stage(t, 'stale-state');
      const nodeId = json<{ node: { id: string } }>(await createNodeByCli(11)).node.id;
      const file = join(dir, 'replaced.ndjson');
      await writeNdjsonReports(file, { nodeIds: [nodeId], bucketIds: [bucketId], count: 10, from: '2024-01-30T00:00:00.000Z' });
      const prefixSha256 = '0'.repeat(64);
      const totals = { linesRead: 5, accepted: 5, duplicates: 0, badLines: 0 };
      writeFileSync(`${file}.fbstats-import.json`, JSON.stringify({ version: 1, offset: 200, line: 5, prefixSha256, totals }));
      const run = ok(await fbstats('import', file));
      assert.match(run.stderr, /belongs to another version of .*replaced\.ndjson; importing from the first line/);
      assert.match(run.stdout, /: 10 lines read, 10 accepted, 0 duplicates, 0 bad lines; /);
    });

    it('import: an interruption stops after the batch in flight (exit 130); a rerun resumes after it', async () => {
      const { bucketId } = await stage(t, 'interrupted');
      const nodeId = json<{ node: { id: string } }>(await createNodeByCli(12)).node.id;
      const file = join(dir, 'interrupted.ndjson');
      await writeNdjsonReports(file, { nodeIds: [nodeId], bucketIds: [bucketId], count: 10, from: '2024-01-30T00:00:00.000Z' });
      const interrupted = new AbortController();
      interrupted.abort('SIGINT');
      const first = await runCli(['import', file, '--batch-size', '4', ...op], { signal: interrupted.signal });
      assert.equal(first.code, 130, first.stderr);
      assert.match(first.stderr, /^interrupted after line 4; run the same command again to resume$/m);
      assert.equal(await storedReports(t, [nodeId]), 4);
      const state = JSON.parse(readFileSync(`${file}.fbstats-import.json`, 'utf8')) as {
        line: number;
        totals: { accepted: number };
      };
      assert.deepEqual([state.line, state.totals.accepted], [4, 4]);

      const refused = await runCli(['import', file, '--url', url, '--token', 'not-the-operator-token']);
      failed(refused, 1, /\(HTTP 401\); lines up to 4 are imported; run the same command again to resume after it\n$/);

      const second = ok(await fbstats('import', file, '--batch-size', '4'));
      assert.match(second.stderr, /^resuming after line 4 \(4 reports already accepted\)$/m);
      assert.match(
        second.stdout,
        /: 10 lines read, 10 accepted, 0 duplicates, 0 bad lines \(resumed after line 4\); [1-9]\d* lines\/s\n$/,
      );
      assert.equal(await storedReports(t, [nodeId]), 10);
    });

    /** `fbstats node create` for a node numbered `n`. */
    async function createNodeByCli(n: number): Promise<CliRun> {
      const keyFile = join(dir, `node-${n}.pub`);
      writeFileSync(keyFile, NODE_PUBLIC_PEM);
      const fields = ['--ip', `10.0.1.${n}`, '--host', `node-${n}.example.com`, '--region', 'eu-west-1', '--provider', 'gcp'];
      return fbstats('node', 'create', ...fields, '--version', '1.0.0', '--public-key', keyFile, '--json');
    }
  });
}
