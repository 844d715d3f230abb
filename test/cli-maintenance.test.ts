import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBucket, createMember, createNode, createWorkspace } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';
import { listen, runCli, type CliRun } from './fixtures/cli/cli-harness.js';

const NOW = '2024-02-01T12:00:00.000Z';

function ok(run: CliRun): CliRun {
  assert.equal(run.code, 0, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run;
}

function failed(run: CliRun, code: number, stderr: RegExp): void {
  assert.equal(run.code, code, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assert.match(run.stderr, stderr);
}

for (const kind of STORE_KINDS) {
  describe(`fbstats maintenance (${kind})`, () => {
    let t: TestApp;
    let url: string;
    let bucketId: string;
    let nodeId: string;
    let writer: string;
    let reader: string;
    const as = (token: string, ...argv: string[]): Promise<CliRun> => runCli([...argv, '--url', url, '--token', token]);

    before(async () => {
      t = await startTestApp(kind, { now: NOW });
      url = await listen(t);
      const owner = await createMember(t, 'maint-owner@example.com');
      const member = await createMember(t, 'maint-reader@example.com');
      const workspaceId = await createWorkspace(t, owner.userId, 'Maintenance');
      const added = await t.call({
        method: 'POST',
        url: `/workspace/${workspaceId}/users`,
        payload: { userId: member.userId, role: 'READ' },
      });
      assert.equal(added.statusCode, 200, added.body);
      bucketId = await createBucket(t, workspaceId, 'maint');
      nodeId = await createNode(t);
      writer = owner.token;
      reader = member.token;
    });
    after(() => t.close());

    it('add, list and rm windows; the reader lists but may not add', async () => {
      const oneOff = ok(
        await as(
          writer,
          'maintenance',
          'add',
          bucketId,
          '--start',
          '2024-02-02T06:00:00Z',
          '--end',
          '2024-02-02T07:00:00Z',
          '--reason',
          'kernel',
        ),
      );
      const [, oneOffId] =
        /^added maintenance window ([0-9a-f-]{36}): 2024-02-02T06:00:00\.000Z → 2024-02-02T07:00:00\.000Z\n$/.exec(
          oneOff.stdout,
        ) ?? [];
      assert.ok(oneOffId, oneOff.stdout);
      const weekly = JSON.parse(
        ok(
          await as(
            writer,
            'maintenance',
            'add',
            bucketId,
            '--start',
            '2024-02-04T02:00:00+01:00',
            '--rrule',
            'FREQ=WEEKLY;BYDAY=SU',
            '--duration',
            '90',
            '--until',
            '2024-06-30T00:00:00Z',
            '--nodes',
            nodeId,
            '--json',
          ),
        ).stdout,
      ) as { window: { id: string; start: string; nodeIds: string[]; durationMinutes: number } };
      assert.deepEqual(
        [weekly.window.start, weekly.window.nodeIds, weekly.window.durationMinutes],
        ['2024-02-04T01:00:00.000Z', [nodeId], 90],
      );

      const lines = ok(await as(reader, 'maintenance', 'list', bucketId))
        .stdout.trimEnd()
        .split('\n');
      assert.match(lines[0] ?? '', /^id +when +nodes +reason +created$/);
      assert.match(
        lines[1] ?? '',
        new RegExp(`^${oneOffId} +2024-02-02T06:00:00.000Z → 2024-02-02T07:00:00.000Z +all +kernel +${NOW}$`),
      );
      assert.match(
        lines[2] ?? '',
        new RegExp(
          `^${weekly.window.id} +FREQ=WEEKLY;BYDAY=SU from 2024-02-04T01:00:00.000Z, 90 min until 2024-06-30T00:00:00.000Z +${nodeId} +- +${NOW}$`,
        ),
      );
      failed(
        await as(reader, 'maintenance', 'add', bucketId, '--start', '2024-02-02T06:00:00Z', '--end', '2024-02-02T07:00:00Z'),
        1,
        /\(HTTP 403\)/,
      );

      assert.equal(
        ok(await as(writer, 'maintenance', 'rm', bucketId, oneOffId)).stdout,
        `removed maintenance window ${oneOffId}\n`,
      );
      failed(await as(writer, 'maintenance', 'rm', bucketId, oneOffId), 1, /\(HTTP 404\)/);
      const listed = JSON.parse(ok(await as(reader, 'maintenance', 'list', bucketId, '--json')).stdout) as {
        windows: Array<{ id: string }>;
      };
      assert.deepEqual(
        listed.windows.map((w) => w.id),
        [weekly.window.id],
      );
    });

    it('parses dates, durations and node lists strictly (exit 2), and says what the service refused (exit 1)', async () => {
      const add = (...extra: string[]) => as(writer, 'maintenance', 'add', bucketId, ...extra);
      failed(await add('--start', '2024-02-02 06:00', '--end', '2024-02-02T07:00:00Z'), 2, /RFC 3339/);
      failed(await add('--start', '2024-02-30T06:00:00Z', '--end', '2024-03-02T07:00:00Z'), 2, /RFC 3339/);
      failed(await add('--start', '2024-02-02T06:00:00Z', '--end', '2024-02-02T07:00:00'), 2, /RFC 3339/);
      failed(await add('--start', '2024-02-02T06:00:00Z', '--rrule', 'FREQ=DAILY', '--duration', '1441'), 2, /1-1440/);
      failed(await add('--start', '2024-02-02T06:00:00Z', '--rrule', 'FREQ=DAILY', '--duration', '1.5'), 2, /1-1440/);
      failed(await add('--start', '2024-02-02T06:00:00Z', '--rrule', 'FREQ=DAILY'), 2, /--rrule needs --duration/);
      failed(await add('--start', '2024-02-02T06:00:00Z'), 2, /either --end or --rrule/);
      failed(await add('--start', '2024-02-02T06:00:00Z', '--end', '2024-02-02T07:00:00Z', '--nodes', 'a,b'), 2, /node ids/);
      failed(await add('--start', '2024-01-31T06:00:00Z', '--end', '2024-02-02T07:00:00Z'), 1, /before now.*\(HTTP 400\)/);
      failed(
        await add('--start', '2024-02-02T06:00:00Z', '--rrule', 'FREQ=SECONDLY', '--duration', '5'),
        1,
        /more than one occurrence a minute/,
      );
    });
  });
}
