// Notifications: one in-app centre for everything the product tells a person (a link first opened, the daily digest
// of their links, new feedback on one's asset, a request done or declined, "it exists now", a deal closed). Other
// domains call notify(); the person reads them under the bell and marks them read. A notification with a key is made
// once, however often it is asked for.
import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { CurrentUser } from '../auth/roles.ts';
import type { Db, Tx } from '../db/client.ts';
import { notifications } from '../db/schema.ts';

export interface NewNotification {
  kind: string;
  title: string;
  body?: string;
  /** A path in the app it leads to. */
  link?: string;
  /** Made once per key (e.g. `share-opened:<share id>`). */
  key?: string;
}

/** Listed at most; older ones are still counted while unread. */
const LIST_LIMIT = 50;

export function notificationService(db: Db) {
  return {
    /**
     * Tells a person something; false when a notification with its key exists already. `on`: the caller's
     * transaction, when what it tells must be told exactly when that commits.
     */
    async notify(userId: string, notification: NewNotification, on: Db | Tx = db): Promise<boolean> {
      const inserted = await on.insert(notifications).values({
        userId, kind: notification.kind, title: notification.title, body: notification.body ?? null,
        link: notification.link ?? null, key: notification.key ?? null,
      }).onConflictDoNothing({ target: notifications.key }).returning({ id: notifications.id });
      return inserted.length > 0;
    },

    /** The newest notifications of a person and how many are unread. */
    async list(user: CurrentUser) {
      const [items, [unread]] = await Promise.all([
        db.select().from(notifications).where(eq(notifications.userId, user.id)).orderBy(desc(notifications.createdAt)).limit(LIST_LIMIT),
        db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, user.id), isNull(notifications.readAt))),
      ]);
      return {
        unread: unread?.n ?? 0,
        items: items.map((row) => ({
          id: row.id, kind: row.kind, title: row.title, body: row.body, link: row.link,
          createdAt: row.createdAt.toISOString(), readAt: row.readAt?.toISOString() ?? null,
          text: row.body ? `${row.title} — ${row.body}` : row.title, at: row.createdAt.toISOString(), read: row.readAt !== null,
        })),
      };
    },

    /** Marks these (or, without ids, all) of the person's notifications read. */
    async markRead(user: CurrentUser, ids?: string[]): Promise<void> {
      await db.update(notifications).set({ readAt: new Date() }).where(and(
        eq(notifications.userId, user.id), isNull(notifications.readAt), ids ? inArray(notifications.id, ids) : undefined,
      ));
    },
  };
}

export type NotificationService = ReturnType<typeof notificationService>;
