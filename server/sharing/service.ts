// Share links: a sender gives a recipient a link to assets they may see; the recipient opens it without signing in,
// as a share-link visitor (access/visibility.ts: the link's assets, live, as approved — so a newly approved version
// reaches every holder of the link). Each opening is a visit, its heartbeats the active time per page; scanners and
// unfurlers are kept apart (bots.ts). What visitors open and download counts as use in the reports.
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.ts';
import { hasRole, type CurrentUser } from '../auth/roles.ts';
import type { AssetService } from '../assets/service.ts';
import type { Db } from '../db/client.ts';
import { shareAssets, shares, shareVisitPages, shareVisits, users } from '../db/schema.ts';
import { Conflict, Forbidden, Gone, Invalid, NotFound } from '../errors.ts';
import { previewShape } from '../processing/preview-pages.ts';
import type { UsageService } from '../usage/service.ts';
import { botReason, deviceOf } from './bots.ts';
import type { KitService } from './kits.ts';
import type { NotificationService } from '../notifications/service.ts';
import { fingerprint, hashShareToken, newShareToken, TOKEN_PATTERN } from './tokens.ts';

export interface NewShare {
  /** The assets, or a pitch kit whose live assets (in its order) the link shares. */
  assetIds?: string[];
  collectionId?: string;
  recipient: string;
  opportunity?: string;
  expiresAt?: string;
  allowDownload: boolean;
  note?: string;
}

export const SHARE_DIGEST_JOB = 'sharing.digest';

/** A heartbeat adds at most this much active time, whatever it claims: pages beat every ~10 s. */
export const MAX_BEAT_MS = 15_000;

type ShareRow = typeof shares.$inferSelect;
export type ShareStatus = 'active' | 'revoked' | 'expired';

/** A link opened by a visitor: the share and the principal its requests act as. */
export interface OpenedShare {
  share: ShareRow;
  principal: Extract<Principal, { kind: 'share' }>;
  sender: { name: string; email: string };
}

export interface VisitRequest { method: string; userAgent: string | undefined; address: string }

export interface Heartbeat { visitId: string; pages: { assetId: string; page: number; activeMs: number; versionId?: string }[]; interacted: boolean; automated?: boolean }

export interface SharingOptions {
  publicUrl: string;
  kits: Pick<KitService, 'assetsToShare'>;
  /** Tells a sender in the app (notifications/): a link first opened, a forward, the daily digest. */
  notify: NotificationService['notify'];
  now?: () => Date;
}

export function sharingService(db: Db, assets: AssetService, usage: Pick<UsageService, 'record'>, options: SharingOptions) {
  const now = options.now ?? (() => new Date());
  const urlOf = (token: string) => `${options.publicUrl}/s/${token}`;
  const statusOf = (share: ShareRow, at = now()): ShareStatus =>
    share.revokedAt ? 'revoked' : share.expiresAt && share.expiresAt <= at ? 'expired' : 'active';

  /** The sender's own share, or (for admins) anyone's; 404 otherwise. */
  async function ownShare(user: CurrentUser, id: string): Promise<ShareRow> {
    const [share] = await db.select().from(shares).where(eq(shares.id, id));
    if (!share || (share.senderId !== user.id && !hasRole(user, 'admin'))) throw new NotFound('no such share', 'SHARE_NOT_FOUND');
    return share;
  }

  async function assetIdsOf(shareIds: string[]): Promise<Map<string, string[]>> {
    const rows = shareIds.length === 0 ? [] : await db.select().from(shareAssets).where(inArray(shareAssets.shareId, shareIds)).orderBy(asc(shareAssets.position));
    const out = new Map<string, string[]>();
    for (const row of rows) out.set(row.shareId, [...(out.get(row.shareId) ?? []), row.assetId]);
    return out;
  }

  /** The sender hears of a link's first opening by a person, and of every opening by someone it was passed on to. */
  async function tellSender(opened: OpenedShare, device: string, forwarded: boolean, visitId: string) {
    const { share } = opened;
    const [first] = await assets.shownWithVersions(opened.principal, opened.principal.assetIds.slice(0, 1));
    const what = first ? `“${first.asset.title}”${opened.principal.assetIds.length > 1 ? ` and ${opened.principal.assetIds.length - 1} more` : ''}` : 'your link';
    await options.notify(share.senderId, forwarded
      ? { kind: 'share-forwarded', title: `Your link for ${share.recipient} was opened by someone else`, body: `${what} · ${device}`, link: `/shares?id=${share.id}`, key: `share-forwarded:${visitId}` }
      : { kind: 'share-opened', title: `${share.recipient} opened your link`, body: `${what} · ${device}`, link: `/shares?id=${share.id}`, key: `share-opened:${share.id}` });
  }

  const service = {
    /**
     * The daily digest: each sender whose links people opened in the 24 hours before `at` is told how many visits,
     * on how many links, and for how long. Once per sender and day (its key), however often it runs.
     */
    async sendDigests(at = now()): Promise<number> {
      const since = new Date(at.getTime() - 86_400_000);
      const activity = await db.select({
        senderId: shares.senderId, links: sql<number>`count(distinct ${shares.id})::int`, visits: sql<number>`count(*)::int`,
        seconds: sql<number>`coalesce(sum((select sum(${shareVisitPages.activeMs}) from ${shareVisitPages} where ${shareVisitPages.visitId} = ${shareVisits.id})), 0)::float8 / 1000`,
      }).from(shareVisits).innerJoin(shares, eq(shares.id, shareVisits.shareId))
        .where(and(personVisit, sql`${shareVisits.startedAt} > ${since.toISOString()}::timestamptz`, sql`${shareVisits.startedAt} <= ${at.toISOString()}::timestamptz`))
        .groupBy(shares.senderId);
      let sent = 0;
      for (const row of activity) {
        const minutes = Math.max(1, Math.round(row.seconds / 60));
        const told = await options.notify(row.senderId, {
          kind: 'share-digest', title: `Your links yesterday: ${row.visits} ${row.visits === 1 ? 'visit' : 'visits'}`,
          body: `On ${row.links} ${row.links === 1 ? 'link' : 'links'}, about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} of reading.`,
          link: '/shares', key: `share-digest:${row.senderId}:${at.toISOString().slice(0, 10)}`,
        });
        if (told) sent++;
      }
      return sent;
    },

    /** Makes a link to assets the sender can see (404 naming none of the others); the token is shown this once. */
    async create(sender: CurrentUser, input: NewShare) {
      if ((input.assetIds === undefined) === (input.collectionId === undefined)) throw new Invalid('assetIds or collectionId: give the assets or a kit, not both', 'BAD_SHARE');
      const assetIds = [...new Set(input.assetIds ?? await options.kits.assetsToShare(sender, input.collectionId!))];
      if (assetIds.length === 0) throw new Conflict('collectionId: this kit has no live assets to share; add some first', 'KIT_EMPTY');
      const shown = await assets.shownVersions(sender, assetIds);
      const hidden = assetIds.find((id) => !shown.has(id));
      if (hidden) throw new NotFound(`no such asset: ${hidden}`, 'ASSET_NOT_FOUND');
      const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
      if (expiresAt && expiresAt <= now()) throw new Invalid('expiresAt: the link would have expired already; give a time in the future', 'BAD_EXPIRY');
      const recipient = input.recipient.trim();
      if (!recipient) throw new Invalid('recipient: say who the link is for', 'BAD_RECIPIENT');
      const { token, hash } = newShareToken();
      const share = await db.transaction(async (tx) => {
        const [row] = await tx.insert(shares).values({
          tokenHash: hash, senderId: sender.id, recipient, collectionId: input.collectionId ?? null, opportunity: input.opportunity?.trim() || null, note: input.note?.trim() || null,
          allowDownload: input.allowDownload, expiresAt,
        }).returning();
        await tx.insert(shareAssets).values(assetIds.map((assetId, position) => ({ shareId: row!.id, assetId, position })));
        return row!;
      });
      // Sharing is a use by the sender (usage/uses.ts: the link went to a buyer).
      for (const assetId of assetIds) await usage.record(sender, { assetId, versionId: shown.get(assetId), kind: 'share' });
      return { ...(await service.summaries([share]))[0]!, token, url: urlOf(token) };
    },

    /** Shares with their assets and visit counts, newest first: the sender's own, or everyone's (`all`, marketing and up). */
    async list(user: CurrentUser, all: boolean) {
      const rows = await db.select().from(shares).where(all && hasRole(user, 'marketing') ? undefined : eq(shares.senderId, user.id))
        .orderBy(desc(shares.createdAt)).limit(500);
      return service.summaries(rows);
    },

    async summaries(rows: ShareRow[]) {
      const ids = rows.map((row) => row.id);
      const assetIds = await assetIdsOf(ids);
      const visits = ids.length === 0 ? [] : await db.select({
        shareId: shareVisits.shareId,
        visits: sql<number>`(count(*) filter (where ${personVisit}))::int`,
        bots: sql<number>`(count(*) filter (where not (${personVisit})))::int`,
        lastVisitAt: sql<string | null>`max(${shareVisits.startedAt}) filter (where ${personVisit})`,
      }).from(shareVisits).where(inArray(shareVisits.shareId, ids)).groupBy(shareVisits.shareId);
      const visitsOf = new Map(visits.map((row) => [row.shareId, row]));
      const senders = new Map((ids.length === 0 ? [] : await db.select({ id: users.id, name: users.name }).from(users)
        .where(inArray(users.id, [...new Set(rows.map((row) => row.senderId))]))).map((row) => [row.id, row.name]));
      return rows.map((row) => {
        const figures = visitsOf.get(row.id);
        return {
          id: row.id, recipient: row.recipient, opportunity: row.opportunity, note: row.note, allowDownload: row.allowDownload,
          assetIds: assetIds.get(row.id) ?? [], sender: { id: row.senderId, name: senders.get(row.senderId) ?? '' },
          status: statusOf(row), createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt?.toISOString() ?? null,
          revokedAt: row.revokedAt?.toISOString() ?? null, visitCount: figures?.visits ?? 0, botCount: figures?.bots ?? 0,
          lastVisitAt: figures?.lastVisitAt ? new Date(figures.lastVisitAt).toISOString() : null,
        };
      });
    },

    /**
     * A share with its visits (each with the active time per asset and page, and whether it saw an older version than
     * the one the link shows now) and, apart, the openings that looked like bots.
     */
    async detail(user: CurrentUser, id: string) {
      const share = await ownShare(user, id);
      const [summary] = await service.summaries([share]);
      const visits = await db.select().from(shareVisits).where(eq(shareVisits.shareId, id)).orderBy(desc(shareVisits.startedAt)).limit(500);
      const pages = visits.length === 0 ? [] : await db.select().from(shareVisitPages)
        .where(inArray(shareVisitPages.visitId, visits.map((visit) => visit.id))).orderBy(asc(shareVisitPages.assetId), asc(shareVisitPages.page));
      // What the link shows now, to tell who last saw an older version.
      const current = await assets.shownVersions({ kind: 'share', linkId: share.id, assetIds: summary!.assetIds }, summary!.assetIds);
      const pagesOf = new Map<string, typeof pages>();
      for (const page of pages) pagesOf.set(page.visitId, [...(pagesOf.get(page.visitId) ?? []), page]);
      const isPerson = (visit: typeof visits[number]) => visit.confirmed && (visit.interacted || visit.botReason === null);
      const shownAssets = (await assets.shownWithVersions(user, summary!.assetIds)).map(({ asset }) => ({ id: asset.id, title: asset.title, kind: asset.kind, live: current.has(asset.id) }));
      // The assets a person on this link last read in an older version than the link shows now: worth a note.
      const lastRead = new Map<string, string>();
      for (const page of [...pages].sort((a, b) => a.lastAt.getTime() - b.lastAt.getTime())) if (page.versionId) lastRead.set(page.assetId, page.versionId);
      const updated = shownAssets.filter((asset) => lastRead.has(asset.id) && current.has(asset.id) && lastRead.get(asset.id) !== current.get(asset.id))
        .map((asset) => ({ id: asset.id, title: asset.title }));
      return {
        ...summary!,
        assets: shownAssets,
        updated,
        visits: visits.filter(isPerson).map((visit) => {
          const read = pagesOf.get(visit.id) ?? [];
          return {
            id: visit.id, at: visit.startedAt.toISOString(), lastSeenAt: visit.lastSeenAt.toISOString(), device: visit.device,
            forwarded: visit.forwarded, downloads: visit.downloads,
            activeSec: Math.round(read.reduce((sum, page) => sum + page.activeMs, 0) / 1000),
            outdated: read.some((page) => page.versionId !== null && current.has(page.assetId) && current.get(page.assetId) !== page.versionId),
            pages: read.map((page) => ({ assetId: page.assetId, page: page.page, activeSec: Math.round(page.activeMs / 1000) })),
          };
        }),
        bots: visits.filter((visit) => !isPerson(visit)).map((visit) => ({
          at: visit.startedAt.toISOString(), device: visit.device, reason: visit.botReason ?? 'no page was shown (no heartbeat came)',
        })),
      };
    },

    /** Ends a link at once: every request on it after this is refused (410). */
    async revoke(user: CurrentUser, id: string): Promise<void> {
      const share = await ownShare(user, id);
      if (!share.revokedAt) await db.update(shares).set({ revokedAt: now() }).where(and(eq(shares.id, id), isNull(shares.revokedAt)));
    },

    // The visitor's side.

    /** The share a token opens: 404 for none (or a malformed token), 410 once revoked or expired. */
    async open(token: string): Promise<OpenedShare> {
      if (!TOKEN_PATTERN.test(token)) throw new NotFound('no such link', 'LINK_NOT_FOUND');
      const [found] = await db.select({ share: shares, sender: { name: users.name, email: users.email } }).from(shares)
        .innerJoin(users, eq(users.id, shares.senderId)).where(eq(shares.tokenHash, hashShareToken(token)));
      if (!found) throw new NotFound('no such link', 'LINK_NOT_FOUND');
      const status = statusOf(found.share);
      if (status !== 'active') throw new LinkEnded(status, found.sender);
      const assetIds = (await assetIdsOf([found.share.id])).get(found.share.id) ?? [];
      return { share: found.share, sender: found.sender, principal: { kind: 'share', linkId: found.share.id, assetIds } };
    },

    /** What the link shows now: its live assets, each at its approved version, in the sender's order. */
    shownAssets: (opened: OpenedShare) => assets.shownWithVersions(opened.principal, opened.principal.assetIds),

    /** Records an opening of the page (a person's or a bot's: the heartbeats tell) and returns its id. */
    async startVisit(opened: OpenedShare, request: VisitRequest): Promise<string> {
      const reason = botReason({ method: request.method, userAgent: request.userAgent, msSinceCreated: now().getTime() - opened.share.createdAt.getTime() });
      const [visit] = await db.insert(shareVisits).values({
        shareId: opened.share.id, device: reason?.startsWith('a known bot') ? (request.userAgent ?? '').slice(0, 80) : deviceOf(request.userAgent),
        deviceKey: fingerprint(request.userAgent ?? ''), addressKey: fingerprint(request.address), botReason: reason,
      }).returning({ id: shareVisits.id });
      return visit!.id;
    },

    /**
     * A heartbeat from a visit's page: adds the active time of each page read since the last beat (in all at most
     * MAX_BEAT_MS, and no more than the time that passed since the last beat), confirms the visit as a person's, and marks a
     * forward. A beat for another link's visit is ignored (false), and so are pages of assets the link does not
     * show now or pages they do not have.
     */
    async beat(opened: OpenedShare, beat: Heartbeat): Promise<boolean> {
      const [visit] = await db.select().from(shareVisits).where(and(eq(shareVisits.id, beat.visitId), eq(shareVisits.shareId, opened.share.id)));
      if (!visit) return false;
      const at = now();
      const automated = beat.automated === true;
      const interacted = visit.interacted || (beat.interacted && !automated);
      const person = !automated && (interacted || visit.botReason === null);
      // The first person on a link is its recipient; a person on another device or address is someone it was passed on to.
      let forwarded = visit.forwarded;
      if (person && !visit.confirmed) {
        const [first] = await db.select({ deviceKey: shareVisits.deviceKey, addressKey: shareVisits.addressKey }).from(shareVisits)
          .where(and(eq(shareVisits.shareId, opened.share.id), sql`${shareVisits.id} <> ${visit.id}`, personVisit))
          .orderBy(asc(shareVisits.startedAt)).limit(1);
        forwarded = first !== undefined && (first.deviceKey !== visit.deviceKey || first.addressKey !== visit.addressKey);
      }
      await db.update(shareVisits).set({
        lastSeenAt: at, confirmed: visit.confirmed || person, interacted, forwarded,
        ...(automated && { botReason: visit.botReason ?? 'an automated browser (webdriver)' }),
      }).where(eq(shareVisits.id, visit.id));
      if (!person) return true;
      if (!visit.confirmed) await tellSender(opened, visit.device, forwarded, visit.id);

      const shown = new Map((await assets.shownWithVersions(opened.principal, [...new Set(beat.pages.map((page) => page.assetId))]))
        .map((row) => [row.asset.id, row.version]));
      // No more than the time since the last beat (or since the page was asked for): a flood of beats adds nothing.
      let budget = Math.max(0, Math.min(MAX_BEAT_MS, at.getTime() - (visit.confirmed ? visit.lastSeenAt : visit.startedAt).getTime()));
      for (const read of beat.pages) {
        const version = shown.get(read.assetId);
        if (!version || read.page > pageCount(version)) continue;
        const activeMs = Math.max(0, Math.min(read.activeMs, budget));
        budget -= activeMs;
        // What was read is the version the page showed: one open since before a newer approval still shows the older.
        const versionId = read.versionId ?? version.id;
        const [row] = await db.insert(shareVisitPages).values({ visitId: visit.id, assetId: read.assetId, page: read.page, versionId, activeMs, lastAt: at })
          .onConflictDoUpdate({
            target: [shareVisitPages.visitId, shareVisitPages.assetId, shareVisitPages.page],
            set: { activeMs: sql`${shareVisitPages.activeMs} + ${activeMs}`, versionId, lastAt: at },
          }).returning({ firstSeen: sql<boolean>`xmax = 0` });
        // A visitor's first look at an asset in a visit is a view in the reports (a visitor counts as nobody in particular).
        if (row?.firstSeen) {
          const [seen] = await db.select({ pages: sql<number>`count(*)::int` }).from(shareVisitPages)
            .where(and(eq(shareVisitPages.visitId, visit.id), eq(shareVisitPages.assetId, read.assetId)));
          if (seen?.pages === 1) await usage.record(null, { assetId: read.assetId, versionId: version.id, kind: 'view' });
        }
      }
      return true;
    },

    /** A download through the link: when the sender allowed it (else 403); counted for the visit and as a use. */
    async download(opened: OpenedShare, assetId: string, visitId: string | undefined) {
      if (!opened.share.allowDownload) throw new Forbidden(`downloads are not offered on this link; ask ${opened.sender.name} for the file`, 'DOWNLOAD_NOT_ALLOWED');
      const found = await assets.downloadable(opened.principal, assetId);
      if (visitId) {
        await db.update(shareVisits).set({ downloads: sql`${shareVisits.downloads} + 1`, lastSeenAt: now() })
          .where(and(eq(shareVisits.id, visitId), eq(shareVisits.shareId, opened.share.id)));
      }
      await usage.record(null, { assetId, versionId: found.version.id, kind: 'download' });
      return found;
    },
  };
  return service;
}

/** A revoked or expired link (410), with whom to ask for a new one. */
export class LinkEnded extends Gone {
  constructor(readonly status: 'revoked' | 'expired', readonly sender: { name: string; email: string }) {
    super(`this link ${status === 'revoked' ? 'was withdrawn' : 'has expired'}; ask ${sender.name} (${sender.email}) for a new one`, status === 'revoked' ? 'LINK_REVOKED' : 'LINK_EXPIRED');
  }
}

/** A visit that was a person: a page was shown (a heartbeat) and either nothing looked automated or someone scrolled or typed. */
const personVisit = sql`${shareVisits.confirmed} and (${shareVisits.interacted} or ${shareVisits.botReason} is null)`;

/** Pages the public page shows of a version (documents page by page; anything else one). */
export const pageCount = (version: { previewStatus: string; pages: number | null; meta: unknown }): number => previewShape(version).pages;

export type SharingService = ReturnType<typeof sharingService>;
