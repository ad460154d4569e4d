// The one source of truth for the database; drizzle-kit generates drizzle/*.sql from it.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn, bigint, bigserial, boolean, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, real, text,
  timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import type { PendingChanges } from '../assets/changes.ts';

// Millisecond precision, as JavaScript dates have: a timestamp read back compares equal to the stored one (list cursors rely on it).
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const createdAt = () => ts('created_at').notNull().defaultNow();
const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);
/** One count per kind of usage event (usage/uses.ts EVENT_KINDS), as the rollup's tables keep them. */
const eventKindCounts = () => ({
  view: integer('view').notNull(),
  click: integer('click').notNull(),
  download: integer('download').notNull(),
  share: integer('share').notNull(),
  copyLink: integer('copy_link').notNull(),
  presented: integer('presented').notNull(),
});

export const users = pgTable('users', {
  id: id(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: text('role', { enum: ['sales', 'marketing', 'approver', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)]);

export const sessions = pgTable('sessions', {
  /** sha256 of the cookie value: a leaked table does not leak live sessions. */
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  expiresAt: ts('expires_at').notNull(),
}, (t) => [index('sessions_user_idx').on(t.userId)]);

export const apiTokens = pgTable('api_tokens', {
  id: id(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** What the token may do within its owner's role: auth/token-scope.ts. */
  scope: text('scope', { enum: ['read', 'upload', 'admin'] }).notNull(),
  createdAt: createdAt(),
  lastUsedAt: ts('last_used_at'),
  expiresAt: ts('expires_at').notNull(),
});

/**
 * A one-time link an admin sends to a new person: they choose their own password on it. Only the token's sha256 is
 * kept, like sessions; a row leaves the pending list when it is used, revoked or expired, and stays for the record.
 */
export const invites = pgTable('invites', {
  id: id(),
  tokenHash: text('token_hash').notNull().unique(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: text('role', { enum: ['sales', 'marketing', 'approver', 'admin'] }).notNull(),
  invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  revokedAt: ts('revoked_at'),
  /** The account the invite became. */
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
}, (t) => [index('invites_email_idx').on(sql`lower(${t.email})`)]);

export const facets = pgTable('facets', {
  key: text('key').primaryKey(),
  label: text('label').notNull(),
  position: integer('position').notNull(),
  /** language holds one term per asset; the other facets any number. */
  multiple: boolean('multiple').notNull().default(true),
});

export const terms = pgTable('terms', {
  id: id(),
  facetKey: text('facet_key').notNull().references(() => facets.key, { onDelete: 'cascade' }),
  slug: text('slug').notNull(),
  label: text('label').notNull(),
  position: integer('position').notNull().default(0),
}, (t) => [uniqueIndex('terms_facet_slug_key').on(t.facetKey, t.slug)]);

/** Content-addressed file bodies; many versions may share one. */
export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  createdAt: createdAt(),
  /**
   * Set when the last version using the file was deleted: the file is removed after that commit, by the blob
   * collector (storage/blob-collector.ts), never inside it, so a crash cannot leave a live asset without its file.
   * An upload of the same bytes clears it again.
   */
  unusedSince: ts('unused_since'),
}, (t) => [index('blobs_unused_idx').on(t.unusedSince).where(sql`${t.unusedSince} is not null`)]);

export const assets = pgTable('assets', {
  id: id(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  kind: text('kind').notNull(),
  status: text('status', { enum: ['draft', 'in_review', 'approved', 'rejected', 'archived'] }).notNull().default('draft'),
  ownerId: uuid('owner_id').notNull().references(() => users.id),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  expiresAt: ts('expires_at'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  approvedAt: ts('approved_at'),
  approvedBy: uuid('approved_by').references(() => users.id),
  /** The newest upload, the one marketing works on. */
  currentVersionId: uuid('current_version_id').references((): AnyPgColumn => assetVersions.id, { onDelete: 'set null' }),
  /** The version sales get; stays put while a newer version is in review. */
  approvedVersionId: uuid('approved_version_id').references((): AnyPgColumn => assetVersions.id, { onDelete: 'set null' }),
  /**
   * Edits of a live asset waiting for review. The columns above and asset_terms keep the approved metadata (what
   * sales see); approval copies these onto them. Null when nothing waits, and always for never-approved assets,
   * which are edited in place.
   */
  pendingChanges: jsonb('pending_changes').$type<PendingChanges>(),
}, (t) => [
  index('assets_status_idx').on(t.status),
  index('assets_updated_idx').on(t.updatedAt, t.id),
  index('assets_owner_idx').on(t.ownerId),
]);

export const assetVersions = pgTable('asset_versions', {
  id: id(),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  number: integer('number').notNull(),
  sha256: text('sha256').notNull().references(() => blobs.sha256),
  filename: text('filename').notNull(),
  mimeType: text('mime_type').notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  pages: integer('pages'),
  width: integer('width'),
  height: integer('height'),
  durationSec: real('duration_sec'),
  text: text('text'),
  /**
   * The distinct words of `text` with their counts (search/text-terms.ts), written with it: the search index is
   * built at boot from these instead of tokenizing gigabytes of text again. Null when there is no text.
   */
  searchTerms: text('search_terms'),
  previewStatus: text('preview_status', { enum: ['pending', 'ready', 'failed', 'none'] }).notNull().default('pending'),
  previewError: text('preview_error'),
  /** Perceptual hash of images, to flag visually identical uploads. */
  phash: text('phash'),
  /** What extraction found beyond the columns above (encrypted, producer, slide titles…). */
  meta: jsonb('meta').$type<Record<string, unknown>>(),
  note: text('note').notNull().default(''),
  uploadedBy: uuid('uploaded_by').notNull().references(() => users.id),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('asset_versions_asset_number_key').on(t.assetId, t.number),
  index('asset_versions_sha256_idx').on(t.sha256),
]);

export const assetTerms = pgTable('asset_terms', {
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  termId: uuid('term_id').notNull().references(() => terms.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.assetId, t.termId] }), index('asset_terms_term_idx').on(t.termId)]);

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  action: text('action').notNull(),
  comment: text('comment'),
  detail: jsonb('detail').$type<Record<string, unknown>>(),
  at: ts('at').notNull().defaultNow(),
}, (t) => [index('audit_log_asset_idx').on(t.assetId, t.at)]);

/** Narrow on purpose: reports aggregate it, so every column costs at scale. */
export const usageEvents = pgTable('usage_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  versionId: uuid('version_id'),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  kind: text('kind').notNull(),
  /** Counted as use: done by sales or a share-link visitor, not by marketing managing content. */
  counted: boolean('counted').notNull(),
  queryId: uuid('query_id'),
  at: ts('at').notNull().defaultNow(),
}, (t) => [index('usage_events_asset_at_idx').on(t.assetId, t.at), index('usage_events_at_idx').on(t.at)]);

/**
 * The daily rollup of counted usage events (usage/rollup.ts): per UTC day, asset and person, how many events of each
 * kind. Reports read it for the days usage_rollup_days says are rolled and current, and the raw events for the rest.
 */
export const usageDaily = pgTable('usage_daily', {
  day: date('day', { mode: 'string' }).notNull(),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  /** Null for share-link visitors, who count as one person a day, as in the raw events. */
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  ...eventKindCounts(),
}, (t) => [index('usage_daily_day_idx').on(t.day), index('usage_daily_asset_day_idx').on(t.assetId, t.day)]);

/** Per UTC day and asset, how many counted searches showed the asset (the rollup of search_log.shown_asset_ids). */
export const searchShownDaily = pgTable('search_shown_daily', {
  day: date('day', { mode: 'string' }).notNull(),
  assetId: uuid('asset_id').notNull(),
  shown: integer('shown').notNull(),
}, (t) => [index('search_shown_daily_day_idx').on(t.day)]);

/**
 * Every UTC day with usage or searches written. `stale`: something was written for the day since it was last rolled
 * up (or it never was), so reports read its raw rows; a day is rolled up again once it has ended. Marked by a
 * trigger on usage_events and search_log (migration 0008), in the writing transaction, whoever writes.
 */
export const usageRollupDays = pgTable('usage_rollup_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  stale: boolean('stale').notNull(),
  rolledAt: ts('rolled_at'),
});

/**
 * Per span (usage_spans) and query as typed, with or without results: the counted searches, those with a click,
 * the last one, and who searched. The search analytics read it for the span's days instead of every search.
 */
export const searchSpanQueries = pgTable('search_span_queries', {
  fromDay: date('from_day', { mode: 'string' }).notNull(),
  toDay: date('to_day', { mode: 'string' }).notNull(),
  query: text('query').notNull(),
  zero: boolean('zero').notNull(),
  count: integer('count').notNull(),
  clicks: integer('clicks').notNull(),
  lastAt: ts('last_at').notNull(),
  userIds: uuid('user_ids').array().notNull(),
}, (t) => [
  primaryKey({ columns: [t.fromDay, t.toDay, t.query, t.zero] }),
  foreignKey({ columns: [t.fromDay, t.toDay], foreignColumns: [usageSpans.fromDay, usageSpans.toDay] }).onDelete('cascade'),
]);

/** Per rolled-up UTC day, its counted usage and searches in total: what the trend and the summary's counts read. */
export const usageDayTotals = pgTable('usage_day_totals', {
  day: date('day', { mode: 'string' }).primaryKey(),
  ...eventKindCounts(),
  /** (person, asset) pairs with a use that day: the day's uses. */
  uses: integer('uses').notNull(),
  searches: integer('searches').notNull(),
  zeroResultSearches: integer('zero_result_searches').notNull(),
});

/** Per rolled-up UTC day, each person with counted usage or a counted search (the summary's active people). */
export const usageDayPeople = pgTable('usage_day_people', {
  day: date('day', { mode: 'string' }).notNull(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.day, t.userId] })]);

/**
 * A span of whole rolled-up days [from_day, to_day), summed per asset in usage_span_assets: the days a standard
 * report window (7, 30, 90, 365 days, and the windows before them) reads from the rollup, summed once instead of at
 * every report. Current while no day in it is stale or was rolled up after `built_at` (reports check).
 */
export const usageSpans = pgTable('usage_spans', {
  fromDay: date('from_day', { mode: 'string' }).notNull(),
  toDay: date('to_day', { mode: 'string' }).notNull(),
  builtAt: ts('built_at').notNull(),
}, (t) => [primaryKey({ columns: [t.fromDay, t.toDay] })]);

/**
 * Per span and asset: events by kind, opens, uses (person-days with a use) and searches that showed it. No foreign key
 * to assets: reports join the live assets, and a deleted asset's days are rolled up again (and their spans rebuilt).
 */
export const usageSpanAssets = pgTable('usage_span_assets', {
  fromDay: date('from_day', { mode: 'string' }).notNull(),
  toDay: date('to_day', { mode: 'string' }).notNull(),
  assetId: uuid('asset_id').notNull(),
  ...eventKindCounts(),
  opens: integer('opens').notNull(),
  /** Opens by share-link visitors (no person): prospects reading what sales sent. */
  visitorOpens: integer('visitor_opens').notNull().default(0),
  uses: integer('uses').notNull(),
  shown: integer('shown').notNull(),
}, (t) => [
  primaryKey({ columns: [t.fromDay, t.toDay, t.assetId] }),
  foreignKey({ columns: [t.fromDay, t.toDay], foreignColumns: [usageSpans.fromDay, usageSpans.toDay] }).onDelete('cascade'),
]);

/**
 * A share link a sender gave a recipient (sharing/). The token is never stored: only its sha256, looked up by
 * equality on the hash, so neither a database dump nor timing reveals a live link.
 */
export const shares = pgTable('shares', {
  id: id(),
  tokenHash: text('token_hash').notNull().unique(),
  senderId: uuid('sender_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  recipient: text('recipient').notNull(),
  /** The CRM opportunity it belongs to (its external id), for influence reports. */
  opportunity: text('opportunity'),
  /** The pitch kit it was made from, if any (its assets as they were then are the share's). */
  collectionId: uuid('collection_id').references(() => collections.id, { onDelete: 'set null' }),
  note: text('note'),
  allowDownload: boolean('allow_download').notNull(),
  expiresAt: ts('expires_at'),
  revokedAt: ts('revoked_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('shares_sender_idx').on(t.senderId, t.createdAt), index('shares_opportunity_idx').on(t.opportunity)]);

/** The assets of a share, in the order the sender gave them. */
export const shareAssets = pgTable('share_assets', {
  shareId: uuid('share_id').notNull().references(() => shares.id, { onDelete: 'cascade' }),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
}, (t) => [primaryKey({ columns: [t.shareId, t.assetId] })]);

/** A pitch kit: a named, ordered set of assets for a situation ("CFO — evaluation"), personal or shared with the team. */
export const collections = pgTable('collections', {
  id: id(),
  ownerId: uuid('owner_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  shared: boolean('shared').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [index('collections_owner_idx').on(t.ownerId)]);

export const collectionAssets = pgTable('collection_assets', {
  collectionId: uuid('collection_id').notNull().references(() => collections.id, { onDelete: 'cascade' }),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
}, (t) => [primaryKey({ columns: [t.collectionId, t.assetId] })]);

/**
 * One opening of a share link by one browser. A visit is a person's once a heartbeat came from a visible page
 * (a script ran, someone looked); until then, and whenever botReason is set without human input, it is shown apart.
 */
export const shareVisits = pgTable('share_visits', {
  id: id(),
  shareId: uuid('share_id').notNull().references(() => shares.id, { onDelete: 'cascade' }),
  startedAt: ts('started_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  /** "Chrome on macOS": what the sender is shown. */
  device: text('device').notNull(),
  /** sha256 of the user agent and of the address: a new one on the same link is someone else. */
  deviceKey: text('device_key').notNull(),
  addressKey: text('address_key').notNull(),
  /** Why this looks like a scanner or an unfurler (a known agent, a HEAD, opened seconds after sending); null: no sign. */
  botReason: text('bot_reason'),
  /** A heartbeat came: the page was shown in a browser. */
  confirmed: boolean('confirmed').notNull().default(false),
  /** Someone scrolled, typed or touched: a person, whatever botReason says. */
  interacted: boolean('interacted').notNull().default(false),
  /** Another device or address than the first person's on this link: forwarded. */
  forwarded: boolean('forwarded').notNull().default(false),
  downloads: integer('downloads').notNull().default(0),
}, (t) => [index('share_visits_share_idx').on(t.shareId, t.startedAt)]);

/** Active seconds per visit, asset and page (heartbeats add to it), and the version that was read. */
export const shareVisitPages = pgTable('share_visit_pages', {
  visitId: uuid('visit_id').notNull().references(() => shareVisits.id, { onDelete: 'cascade' }),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  page: integer('page').notNull(),
  versionId: uuid('version_id'),
  activeMs: integer('active_ms').notNull().default(0),
  lastAt: ts('last_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.visitId, t.assetId, t.page] })]);

/**
 * What the product tells a person in the app (notifications/): a link first opened, a daily digest, later requests
 * done. `key` makes a notification once only (the digest of one day, the first opening of one link).
 */
export const notifications = pgTable('notifications', {
  id: id(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  body: text('body'),
  /** Where in the app it leads (a path). */
  link: text('link'),
  key: text('key').unique(),
  createdAt: ts('created_at').notNull().defaultNow(),
  readAt: ts('read_at'),
}, (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)]);

/**
 * "Helped / didn't help" from the field (feedback/), each with the moment's context: who, on which version, for which
 * persona, stage, industry and opportunity. A person may say it again later (after the deal closed): every one is
 * kept, and a person's latest on an asset is their verdict in the counts.
 */
export const assetFeedback = pgTable('asset_feedback', {
  id: id(),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  versionId: uuid('version_id'),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  helpful: boolean('helpful').notNull(),
  comment: text('comment'),
  /** Taxonomy slugs, checked when given. */
  persona: text('persona'),
  stage: text('stage'),
  industry: text('industry'),
  /** The opportunity's externalId in the CRM. */
  opportunity: text('opportunity'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('asset_feedback_asset_idx').on(t.assetId, t.createdAt)]);

/** Durable background work (thumbnails, text extraction), claimed with FOR UPDATE SKIP LOCKED. */
export const jobs = pgTable('jobs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  state: text('state', { enum: ['queued', 'running', 'done', 'failed'] }).notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(5),
  runAfter: ts('run_after').notNull().defaultNow(),
  lockedAt: ts('locked_at'),
  lockedBy: text('locked_by'),
  lastError: text('last_error'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [index('jobs_ready_idx').on(t.state, t.runAfter)]);

/** One row per search; `id` is the queryId the client sends back with the click on a hit. */
export const searchLog = pgTable('search_log', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  query: text('query').notNull(),
  filters: jsonb('filters').$type<Record<string, string[]>>().notNull(),
  resultCount: integer('result_count').notNull(),
  clickedAssetId: uuid('clicked_asset_id').references(() => assets.id, { onDelete: 'set null' }),
  clickedAt: ts('clicked_at'),
  /** The assets the search showed (its page of hits, up to 20): reports tell "never shown" from "shown, never opened". */
  shownAssetIds: uuid('shown_asset_ids').array().notNull().default(sql`'{}'::uuid[]`),
  /** Counted in reports: a search by sales, not marketing checking its own content (access's countsAsUse, as for events). */
  counted: boolean('counted').notNull().default(true),
  at: ts('at').notNull().defaultNow(),
}, (t) => [index('search_log_at_idx').on(t.at)]);

/**
 * Content sales asked for and did not find (requests/): from an empty search (its words kept, as the log ages), a
 * coverage cell or anywhere. Marketing moves it open → planned → done | declined, names who owns it and links the
 * asset that fulfils it; a duplicate is merged into another (its votes move there).
 */
export const contentRequests = pgTable('content_requests', {
  id: id(),
  requesterId: uuid('requester_id').references(() => users.id, { onDelete: 'set null' }),
  description: text('description').notNull(),
  /** Taxonomy slugs, checked when given. */
  persona: text('persona'),
  stage: text('stage'),
  /** The requester's search that found nothing (search_log.id; no key: the log may be pruned) and its words. */
  queryId: uuid('query_id'),
  query: text('query'),
  status: text('status', { enum: ['open', 'planned', 'done', 'declined'] }).notNull().default('open'),
  /** Who in marketing took it on. */
  ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
  comment: text('comment'),
  /** The asset that fulfils it. */
  assetId: uuid('asset_id').references(() => assets.id, { onDelete: 'set null' }),
  mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => contentRequests.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /**
   * When its people were told how it ended. A request done with an asset not yet live is told once the asset is
   * approved (requests/announce.ts), so nobody follows a link to nothing.
   */
  announcedAt: ts('announced_at'),
}, (t) => [index('content_requests_status_idx').on(t.status, t.createdAt)]);

/** "Me too" on a request: one per person; the requester's is the first. */
export const requestVotes = pgTable('request_votes', {
  requestId: uuid('request_id').notNull().references(() => contentRequests.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.requestId, t.userId] }), index('request_votes_user_idx').on(t.userId)]);

/**
 * "Tell me when this exists": a person's search, asked again as they would ask it whenever assets go live, until it
 * finds one it did not find then (requests/watches.ts).
 */
export const searchWatches = pgTable('search_watches', {
  id: id(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  queryId: uuid('query_id').notNull(),
  query: text('query').notNull(),
  filters: jsonb('filters').$type<Record<string, string[]>>().notNull(),
  /** What the search showed when watched: these do not count as new. */
  knownAssetIds: uuid('known_asset_ids').array().notNull().default(sql`'{}'::uuid[]`),
  createdAt: createdAt(),
  /** When it was last asked again, and when it found something (then it is done). */
  checkedAt: ts('checked_at'),
  notifiedAt: ts('notified_at'),
}, (t) => [uniqueIndex('search_watches_user_query_idx').on(t.userId, t.queryId), index('search_watches_pending_idx').on(t.notifiedAt)]);

/**
 * Deals from the CRM (influence/), posted one by one or imported as CSV, keyed by the CRM's id: a share carrying the
 * same `opportunity` ties its assets to the deal's outcome.
 */
export const opportunities = pgTable('opportunities', {
  externalId: text('external_id').primaryKey(),
  name: text('name').notNull(),
  /** In `currency`'s units, exact (numeric, read as a string). */
  amount: numeric('amount', { precision: 18, scale: 2 }).notNull(),
  /** ISO 4217, upper case. */
  currency: text('currency').notNull(),
  /** The CRM's own stage name. */
  stage: text('stage').notNull(),
  outcome: text('outcome', { enum: ['won', 'lost', 'open'] }).notNull(),
  closedAt: ts('closed_at'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [index('opportunities_closed_idx').on(t.outcome, t.closedAt)]);
