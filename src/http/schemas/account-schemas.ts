import { Type } from '@sinclair/typebox';
import { DateTimeOut, DateTimeText, Id, Name, Nullable } from './common-schemas.js';

export const CreateUserRequest = Type.Object({ email: Type.String({ maxLength: 1000 }), name: Name });
export const User = Type.Object({ id: Id, email: Type.String(), name: Type.String() });
export const CreateUserResponse = Type.Object({ success: Type.Boolean(), user: User });

export const UserParams = Type.Object({ userId: Id });
export const CreateTokenRequest = Type.Object({ name: Name, expiresAt: Type.Optional(Nullable(DateTimeText)) });
export const CreateTokenResponse = Type.Object({
  success: Type.Boolean(),
  tokenId: Id,
  token: Type.String({ description: 'The secret, shown this once only' }),
});

export const TokenParams = Type.Object({ tokenId: Id });
export const TokenInfo = Type.Object({
  id: Id,
  name: Type.String(),
  createdAt: DateTimeOut,
  expiresAt: Nullable(DateTimeOut),
  lastUsedAt: Nullable(DateTimeOut),
});
export const GetTokensResponse = Type.Object({ success: Type.Boolean(), tokens: Type.Array(TokenInfo) });
