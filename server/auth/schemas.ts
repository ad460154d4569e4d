import { Type } from 'typebox';
import { ROLES } from './roles.ts';

export const Role = Type.Enum([...ROLES]);
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 8, maxLength: 200 });

export const Me = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: Role });
export const User = Type.Object({
  id: Type.String(), email: Type.String(), name: Type.String(), role: Role, disabled: Type.Boolean(), createdAt: Type.String(),
});
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
export const TokenBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export const TokenCreated = Type.Object({ id: Type.String(), name: Type.String(), token: Type.String(), createdAt: Type.String() });
export const TokenInfo = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]) });
