/** Who is calling: the operator, or a user through one of their tokens. */
export type Principal = { kind: 'operator' } | { kind: 'user'; userId: string; tokenId: string };

/** Which callers a route admits. */
export type RouteAccess = 'public' | 'user' | 'operator' | 'node';
