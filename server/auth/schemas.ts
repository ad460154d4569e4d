import { Type } from 'typebox';
import { ROLES } from './roles.ts';
import { TOKEN_SCOPES } from './token-scope.ts';

/** A quarter by default, so a forgotten token dies on its own; a year at most, so every token is renewed by someone. */
export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;

export const Role = Type.Enum([...ROLES]);
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 8, maxLength: 200 });

// Titles name the schemas in the OpenAPI document's components (server/openapi/components.ts).
export const Me = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: Role }, { title: 'Me' });
export const User = Type.Object({
  id: Type.String(), email: Type.String(), name: Type.String(), role: Role, disabled: Type.Boolean(), createdAt: Type.String(),
}, { title: 'User' });
export const LoginBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const NewUserBody = Type.Object({
  email: Email, name: Type.String({ maxLength: 200, default: '' }), role: Role, password: Password,
}, { additionalProperties: false });
export const UserPatchBody = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200 })),
  role: Type.Optional(Role),
  disabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(Password),
}, { additionalProperties: false });
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const SCOPES_DOC = 'read: GET only. upload: read, plus create assets and add versions to and edit your own. '
  + 'admin: everything your role allows. No token can manage tokens or the password (that needs a signed-in session).';
export const TokenScope = Type.Enum([...TOKEN_SCOPES], { description: SCOPES_DOC });
export const TokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: 'What the token is for, e.g. "CRM sync".' }),
  scope: Type.Optional(Type.Enum([...TOKEN_SCOPES], { description: `${SCOPES_DOC} Default: read.` })),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_DAYS, description: `Days until the token stops working; default ${DEFAULT_TOKEN_DAYS}, at most ${MAX_TOKEN_DAYS}.` })),
}, { additionalProperties: false });
export const TokenInfo = Type.Object({
  id: Type.String(), name: Type.String(), scope: TokenScope,
  createdAt: Type.String(), expiresAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]),
}, { title: 'ApiToken' });
/** The secret is in this answer only; the server keeps its sha256. */
export const TokenCreated = Type.Object({ ...TokenInfo.properties, token: Type.String({ description: 'Send as `Authorization: Bearer <token>`; shown once.' }) }, { title: 'ApiTokenCreated' });

export const PasswordChangeBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
  newPassword: Password,
}, { additionalProperties: false });

const UserRef = Type.Object({ id: Type.String(), name: Type.String() }, { title: 'UserRef' });
export const Invite = Type.Object({
  id: Type.String(), email: Type.String(), name: Type.String(), role: Role,
  invitedBy: Type.Union([UserRef, Type.Null()]), createdAt: Type.String(), expiresAt: Type.String(),
}, { title: 'Invite' });
/** The link (and its token) is in this answer only; the server keeps just a hash. */
export const InviteCreated = Type.Object({ ...Invite.properties, url: Type.String(), token: Type.String() }, { title: 'InviteCreated' });
export const NewInviteBody = Type.Object({
  email: Email, name: Type.String({ maxLength: 200, default: '' }), role: Role,
}, { additionalProperties: false });
export const InviteTokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) });
export const OpenInvite = Type.Object({ email: Type.String(), name: Type.String(), role: Role, expiresAt: Type.String() }, { title: 'OpenInvite' });
export const AcceptInviteBody = Type.Object({
  password: Password, name: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
