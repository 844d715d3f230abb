/**
 * The body of `createUser` (operator).
 *
 * @example
 * const request: CreateUserRequest = { email: 'ada@example.com', name: 'Ada' };
 */
export interface CreateUserRequest {
  email: string;
  name: string;
}

/**
 * A user as created.
 *
 * @example
 * const user: User = (await operator.createUser({ email: 'ada@example.com', name: 'Ada' })).user;
 */
export interface User {
  id: string;
  email: string;
  name: string;
}

/**
 * The answer of `createUser`.
 *
 * @example
 * const { user } = await operator.createUser({ email: 'ada@example.com', name: 'Ada' });
 */
export interface CreateUserResponse {
  success: boolean;
  user: User;
}

/**
 * The body of `createUserToken` (operator). `expiresAt` (a `Date` is sent as
 * its ISO string) must be in the future; left out or `null`, the token never
 * expires.
 *
 * @example
 * const request: CreateUserTokenRequest = { name: 'laptop', expiresAt: new Date('2025-01-01T00:00:00Z') };
 */
export interface CreateUserTokenRequest {
  name: string;
  expiresAt?: Date | string | null;
}

/**
 * The answer of `createUserToken`: `token` is the secret, shown this once only.
 *
 * @example
 * const { token } = await operator.createUserToken(userId, { name: 'laptop' });
 * client.setAuthToken(token);
 */
export interface CreateUserTokenResponse {
  success: boolean;
  tokenId: string;
  token: string;
}

/**
 * One of the caller's tokens, never its secret. Times are UTC with
 * milliseconds; `expiresAt` and `lastUsedAt` are `null` for never.
 *
 * @example
 * const unused = tokens.filter((token: TokenInfo) => token.lastUsedAt === null);
 */
export interface TokenInfo {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/**
 * The answer of `getTokens`: the caller's tokens that are not revoked.
 *
 * @example
 * const { tokens } = await client.getTokens();
 */
export interface GetTokensResponse {
  success: boolean;
  tokens: TokenInfo[];
}
