/** A change of role or membership would leave a workspace without an ADMIN: nothing was changed. */
export class LastAdminError extends Error {
  override name = 'LastAdminError';

  constructor(readonly workspaceId: string) {
    super(`the change would leave workspace ${workspaceId} without an ADMIN`);
  }
}
