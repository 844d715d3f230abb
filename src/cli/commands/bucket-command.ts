import { StorageType, type EnumOrValue, type StorageBucket } from '@flashback/bucket-stats-client';
import { Option, type Command } from 'commander';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { formatTable, orDash } from '../output-table.js';
import { JSON_OPTION_HELP } from './option-help.js';

interface CreateOptions {
  workspace: string;
  name: string;
  storageType?: EnumOrValue<StorageType>;
  bucket?: string;
  endpoint?: string;
  region?: string;
  json?: boolean;
}

/**
 * `fbstats bucket create|list|delete`: storage buckets, each in one workspace.
 *
 * @example
 * registerBucketCommands(program, context);
 */
export function registerBucketCommands(program: Command, context: CommandContext): void {
  const bucket = program.command('bucket').description('storage buckets (WRITE or ADMIN to create and delete)');

  withServiceOptions(bucket.command('create'))
    .description('create a bucket in a workspace')
    .requiredOption('--workspace <workspaceId>', 'the workspace it belongs to')
    .requiredOption('--name <name>', "the bucket's name in the service")
    .addOption(
      new Option('--storage-type <type>', 'the storage behind it (the service defaults to S3)').choices(
        Object.values(StorageType),
      ),
    )
    .option('--bucket <bucket>', "the bucket's name at the storage provider")
    .option('--endpoint <url>', 'the storage endpoint')
    .option('--region <region>', 'the storage region')
    .option('--json', JSON_OPTION_HELP)
    .action(async (options: CreateOptions, command: Command) => {
      const answer = await context.service(command).createStorageBucket({
        name: options.name,
        workspaceId: options.workspace,
        ...(options.storageType !== undefined && { storageType: options.storageType }),
        ...(options.bucket !== undefined && { bucket: options.bucket }),
        ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
        ...(options.region !== undefined && { region: options.region }),
      });
      context.print(options.json, answer, `created bucket ${answer.bucketId} (${options.name})`);
    });

  withServiceOptions(bucket.command('list'))
    .description("list buckets: of one workspace, or of all the caller's workspaces")
    .option('--workspace <workspaceId>', 'only this workspace')
    .option('--json', JSON_OPTION_HELP)
    .action(async (options: { workspace?: string; json?: boolean }, command: Command) => {
      const answer = await context.service(command).getStorageBuckets(options.workspace);
      if (options.json) return context.out(JSON.stringify(answer, null, 2));
      if (answer.buckets.length === 0) return context.out('no buckets');
      context.out(
        formatTable<StorageBucket>(
          [
            { header: 'id', cell: (b) => b.id },
            { header: 'name', cell: (b) => b.name },
            { header: 'workspace', cell: (b) => b.workspaceId },
            { header: 'type', cell: (b) => b.storageType },
            { header: 'bucket', cell: (b) => orDash(b.bucket) },
            { header: 'endpoint', cell: (b) => orDash(b.endpoint) },
            { header: 'region', cell: (b) => orDash(b.region) },
            { header: 'created', cell: (b) => b.createdAt },
          ],
          answer.buckets,
        ),
      );
    });

  withServiceOptions(bucket.command('delete'))
    .description('delete a bucket, with its reports and statistics')
    .argument('<bucketId>', 'the bucket')
    .option('--json', JSON_OPTION_HELP)
    .action(async (bucketId: string, options: { json?: boolean }, command: Command) => {
      const answer = await context.service(command).deleteStorageBucket(bucketId);
      context.print(options.json, answer, `deleted bucket ${bucketId}`);
    });
}
