// Invites: an admin's one-time link by which a person chooses their own password and so gets an account. The rules
// are here; the SQL is in store.ts.
import { hash } from '@node-rs/argon2';
import type { Db } from '../db/client.ts';
import { Conflict, Gone, NotFound } from '../errors.ts';
import { normalisedEmail } from './email.ts';
import type { AuthService, UserView } from './service.ts';
import { checkPassword, newToken, tokenHash, userView } from './service.ts';
import type { CurrentUser, Role } from './roles.ts';
import * as store from './store.ts';
import type { InviteRow } from './store.ts';

/** Long enough to reach someone on holiday, short enough that a forgotten link dies on its own. */
export const INVITE_DAYS = 7;

export interface NewInvite { email: string; name: string; role: Role }

export interface InviteView {
  id: string; email: string; name: string; role: Role;
  invitedBy: { id: string; name: string } | null;
  createdAt: string; expiresAt: string;
}

/** What the invited person sees before choosing a password. */
export interface OpenInvite { email: string; name: string; role: Role; expiresAt: string }

/** Why a link no longer works, in words the invited person can act on. */
function unusable(row: InviteRow, now: Date): Gone | undefined {
  if (row.usedAt) return new Gone('this invite link has already been used; sign in with the password chosen then', 'INVITE_USED');
  if (row.revokedAt) return new Gone('this invite was withdrawn by an admin; ask them for a new one', 'INVITE_REVOKED');
  if (row.expiresAt <= now) return new Gone(`this invite link expired on ${row.expiresAt.toISOString().slice(0, 10)}; ask your admin for a new one`, 'INVITE_EXPIRED');
  return undefined;
}

const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
};

/**
 * Admins invite people by a one-time link instead of typing a password for them: the person picks their own on the
 * link, and the account exists only from then on. The link is `${publicUrl}/invite/<token>`; the token is shown once.
 */
export function inviteService(db: Db, auth: AuthService, publicUrl: string) {
  const now = () => new Date();

  async function emailTaken(email: string): Promise<boolean> {
    return !!(await auth.findUserByEmail(email));
  }

  async function byToken(token: string): Promise<InviteRow> {
    const row = await store.findInviteByTokenHash(db, tokenHash(token));
    if (!row) throw new NotFound('this invite link is not valid; check that it was copied whole', 'INVITE_NOT_FOUND');
    const gone = unusable(row, now());
    if (gone) throw gone;
    return row;
  }

  return {
    /** A newer invite for the same email replaces the pending one (its link cannot be shown again, so re-inviting is how a link is resent). */
    async create(actor: CurrentUser, input: NewInvite): Promise<InviteView & { url: string; token: string }> {
      const email = normalisedEmail(input.email);
      if (await emailTaken(email)) throw new Conflict(`a user with the email ${email} already exists`, 'EMAIL_TAKEN');
      const token = newToken('chi');
      const created = now();
      const row = await db.transaction(async (tx) => {
        await store.revokePendingInvitesFor(tx, email, created);
        return store.insertInvite(tx, {
          tokenHash: tokenHash(token), email, name: input.name.trim(), role: input.role, invitedBy: actor.id,
          createdAt: created, expiresAt: new Date(created.getTime() + INVITE_DAYS * 86400_000),
        });
      });
      return {
        ...view(row, { id: actor.id, name: actor.name }),
        url: `${publicUrl}/invite/${encodeURIComponent(token)}`,
        token,
      };
    },

    /** Invites not yet used, revoked or expired, newest first. */
    async listPending(): Promise<InviteView[]> {
      const rows = await store.pendingInvites(db, now());
      return rows.map((r) => view(r.invite, r.inviter));
    },

    async revoke(id: string): Promise<void> {
      const row = await store.findInvite(db, id);
      if (!row) throw new NotFound('no such invite', 'INVITE_NOT_FOUND');
      if (row.usedAt) throw new Conflict('this invite has already been used; disable the user instead', 'INVITE_USED');
      if (!row.revokedAt) await store.revokeInvite(db, id, now());
    },

    async open(token: string): Promise<OpenInvite> {
      const row = await byToken(token);
      return { email: row.email, name: row.name, role: row.role, expiresAt: row.expiresAt.toISOString() };
    },

    /**
     * Creates the account with the password the person chose and signs them in. The invite is claimed by one
     * conditional update, so of two tabs submitting the same link only one gets an account.
     */
    async accept(token: string, password: string, name?: string): Promise<{ user: UserView; sessionToken: string }> {
      checkPassword(password);
      const invite = await byToken(token);
      if (await emailTaken(invite.email)) throw new Conflict(`a user with the email ${invite.email} already exists; sign in instead`, 'EMAIL_TAKEN');
      const passwordHash = await hash(password);
      let user: UserView;
      try {
        user = await db.transaction(async (tx) => {
          const at = now();
          const claimed = await store.claimInvite(tx, invite.id, at);
          if (!claimed) {
            const current = await store.findInvite(tx, invite.id);
            throw unusable(current!, at) ?? new Gone('this invite link can no longer be used', 'INVITE_USED');
          }
          const created = await store.insertUser(tx, {
            email: invite.email, name: name?.trim() || invite.name || invite.email, role: invite.role, passwordHash,
          });
          await store.setInviteUser(tx, invite.id, created.id);
          return userView(created);
        });
      } catch (error) {
        // Someone made an account with this email between the check above and the insert.
        if (isUniqueViolation(error)) throw new Conflict(`a user with the email ${invite.email} already exists; sign in instead`, 'EMAIL_TAKEN');
        throw error;
      }
      return { user, sessionToken: await auth.startSession(user.id) };
    },
  };
}

function view(row: InviteRow, inviter: { id: string; name: string } | null): InviteView {
  return {
    id: row.id, email: row.email, name: row.name, role: row.role, invitedBy: inviter,
    createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString(),
  };
}

export type InviteService = ReturnType<typeof inviteService>;
