/**
 * An all-or-nothing import named buckets that were deleted after the caller
 * checked them (`ReportIngest.importAll`): nothing of it was stored.
 */
export class BucketGoneError extends Error {
  override name = 'BucketGoneError';

  constructor(readonly bucketIds: readonly string[]) {
    super(`no bucket ${bucketIds.join(', ')}`);
  }
}
