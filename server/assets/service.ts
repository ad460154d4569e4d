// The asset workflow: upload, edit, review, archive, delete, and what each viewer is shown. The rules are here;
// the SQL is in store.ts, and who sees what in access/visibility.ts.
import type { SQL } from 'drizzle-orm';
import { downloadableVersion, isLive, mayView, seesWorkInProgress, shownVersionId, statusCondition, visibleTo, type Viewer } from '../access/visibility.ts';
import { hasRole, type CurrentUser } from '../auth/roles.ts';
import { batchedReads } from '../db/batched-reads.ts';
import type { Db, Tx } from '../db/client.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.ts';
import type { BlobCollector } from '../storage/blob-collector.ts';
import type { BlobStore, ReceivedFile } from '../storage/blob-store.ts';
import type { FacetKey, TaxonomyService } from '../taxonomy/service.ts';
import { imageFingerprint } from '../processing/phash.ts';
import {
  differingValues, metadataChanges, storedValues, takesEffectAtOnce, type FieldChange, type MetadataValues, type PendingChanges, type PersonRef,
} from './changes.ts';
import { titleFromFileName } from './file-name.ts';
import { classifyFile } from './file-type.ts';
import { assetJson, hasTerm, termsOf, type AssetRow, type VersionMeta, type VersionRow } from './queries.ts';
import * as store from './store.ts';
import type { AssetJson, AssetListQuery, AssetMetadataPatch, Status } from './schemas.ts';
import { crashPoint } from '../crash-points.ts';

/** A file already streamed to the blob store's temp area by the HTTP layer. */
export interface IncomingFile { received: ReceivedFile; fileName: string }

const FACET_OF_FIELD = { personas: 'persona', stages: 'stage', products: 'product', industries: 'industry' } as const satisfies Record<string, FacetKey>;

/** Lets other domains (search, processing) hear about changes without the asset service knowing them. */
export type AssetChangeListener = (change: { assetId: string; action: string; versionId?: string }) => void | Promise<void>;

/** Runs inside the upload's transaction, so a version never exists without its processing job (and the reverse). */
export type VersionCreatedHook = (tx: Tx, version: VersionRow) => Promise<void>;

/** Another asset holding the same file, or an image that looks the same. */
export interface Duplicate { id: string; title: string; match: 'same-file' | 'looks-identical' }

export interface AssetServiceOptions {
  /** Nobody approves an asset they own or changed since its last approval (config REQUIRE_SECOND_APPROVER). */
  requireSecondApprover?: boolean;
}

/** What this edit does to the review: kept, withdrawn (in review → draft), or nothing left to review (→ approved). */
function statusAfterEdit(row: AssetRow, awaitsReview: boolean): Status {
  if (!awaitsReview) return row.approvedVersionId ? 'approved' : row.status === 'in_review' ? 'draft' : row.status;
  // An approver approves what they saw: a change during review withdraws it, as a new version does.
  if (row.status === 'in_review' || row.status === 'approved') return 'draft';
  return row.status;
}

export function assetService(db: Db, blobStore: BlobStore, taxonomy: TaxonomyService, collector: BlobCollector, options: AssetServiceOptions = {}) {
  const listeners: AssetChangeListener[] = [];
  /**
   * Who may see an asset, read for every event reported in the same moment at once (a usage event is checked against
   * it, and events come in crowds); judged in memory by the same rule as the SQL (access/visibility.ts).
   */
  const visibilityOf = batchedReads(async (ids: string[]) => new Map((await store.findVisibility(db, ids)).map((row) => [row.id, row])));
  const versionHooks: VersionCreatedHook[] = [];
  const notify = async (change: Parameters<AssetChangeListener>[0]) => {
    for (const listener of listeners) await listener(change);
  };

  /** Loads an asset the user may see, or 404 (never 403: existence does not leak to sales). */
  async function visibleRow(tx: Db | Tx, user: Viewer, id: string, forUpdate = false): Promise<AssetRow> {
    const row = await store.findAsset(tx, id, visibleTo(user), forUpdate);
    if (!row) throw new NotFound('no such asset', 'ASSET_NOT_FOUND');
    return row;
  }

  async function audit(tx: Db | Tx, assetId: string, user: CurrentUser, action: string, comment?: string | null, detail?: Record<string, unknown>) {
    await store.insertAudit(tx, { assetId, userId: user.id, action, comment: comment ?? null, detail: detail ?? null });
  }

  /** Only the owner, approvers and admins change an asset (its metadata, its file, its submission): 403 for other marketers. */
  async function mayChange(tx: Tx, user: CurrentUser, row: AssetRow) {
    if (row.ownerId === user.id || hasRole(user, 'approver')) return;
    const owner = await store.userName(tx, row.ownerId);
    throw new Forbidden(`only its owner (${owner ?? 'someone no longer here'}), an approver or an admin may change this asset; ask them to make the change`, 'NOT_ASSET_OWNER');
  }

  /**
   * Whether approving now would approve the user's own work: they own the asset, or uploaded, created or edited it
   * since its last approval (what this approval makes live).
   */
  async function ownWork(tx: Tx, user: CurrentUser, row: AssetRow): Promise<boolean> {
    if (row.ownerId === user.id) return true;
    return store.changedSinceApproval(tx, row.id, user.id);
  }

  /** Copies the proposal onto the row and its terms (it becomes what sales see); returns approved → proposed per field. */
  async function applyPending(tx: Tx, row: AssetRow, pending: PendingChanges): Promise<FieldChange[]> {
    const approved = storedValues(row, (await termsOf(tx, [row.id])).get(row.id)!);
    const values = await withoutDeletedTerms(tx, pending.values);
    const changes = metadataChanges(approved, values);
    const fields = new Set(changes.map((c) => c.field));
    const set: Partial<AssetRow> = {};
    if (fields.has('title')) set.title = values.title!;
    if (fields.has('description')) set.description = values.description!;
    if (fields.has('tags')) set.tags = values.tags!;
    if (fields.has('expiresAt')) set.expiresAt = values.expiresAt ? new Date(values.expiresAt) : null;
    if (Object.keys(set).length) await store.updateAsset(tx, row.id, set);
    await setTerms(tx, row.id, Object.fromEntries(Object.entries(values).filter(([field]) => fields.has(field as FieldChange['field']))), true);
    return changes;
  }

  /** A proposal's terms less those an admin deleted since it was made (deleted terms leave every asset). */
  async function withoutDeletedTerms(tx: Tx, values: Partial<MetadataValues>): Promise<Partial<MetadataValues>> {
    const known = await store.termKeys(tx);
    const kept: Partial<MetadataValues> = { ...values };
    for (const [field, facet] of Object.entries(FACET_OF_FIELD) as [keyof typeof FACET_OF_FIELD, FacetKey][]) {
      if (kept[field]) kept[field] = kept[field].filter((slug) => known.has(`${facet}:${slug}`));
    }
    if (kept.language && !known.has(`language:${kept.language}`)) kept.language = null;
    return kept;
  }

  async function setTerms(tx: Tx, assetId: string, meta: AssetMetadataPatch, replace: boolean) {
    for (const [field, facet] of Object.entries(FACET_OF_FIELD) as [keyof typeof FACET_OF_FIELD, FacetKey][]) {
      const slugs = meta[field];
      if (slugs === undefined) continue;
      const ids = await taxonomy.resolve(tx, facet, slugs);
      if (replace) await store.removeFacetTerms(tx, assetId, facet);
      await store.addAssetTerms(tx, assetId, ids);
    }
    if (meta.language !== undefined) {
      const ids = meta.language === null ? [] : await taxonomy.resolve(tx, 'language', [meta.language]);
      if (replace) await store.removeFacetTerms(tx, assetId, 'language');
      await store.addAssetTerms(tx, assetId, ids.slice(0, 1));
    }
  }

  /** Stores the blob row (under the content lock: store.upsertBlob) and moves the file into place inside the caller's transaction. */
  async function storeBlob(tx: Tx, file: ReceivedFile) {
    await store.upsertBlob(tx, file.sha256, file.size);
    await blobStore.commit(file);
    crashPoint('upload:placed');
  }

  async function newVersion(tx: Tx, user: CurrentUser, assetId: string, number: number, file: IncomingFile, classified: Awaited<ReturnType<typeof classifyFile>>, note: string, phash: string | null) {
    await storeBlob(tx, file.received);
    const version = await store.insertVersion(tx, {
      assetId, number, sha256: file.received.sha256, filename: file.fileName, mimeType: classified.mimeType, size: file.received.size,
      width: classified.width ?? null, height: classified.height ?? null, note, uploadedBy: user.id,
      previewStatus: 'pending', phash,
    });
    for (const hook of versionHooks) await hook(tx, version);
    return version;
  }

  /** The perceptual hash of a raster image, taken at upload so visual duplicates are flagged in the answer. */
  async function fingerprint(file: IncomingFile, classified: Awaited<ReturnType<typeof classifyFile>>) {
    return classified.kind === 'image' && classified.mimeType !== 'image/svg+xml'
      ? imageFingerprint(file.received.tempPath, classified.width, classified.height) : null;
  }

  /** Other assets already holding these exact bytes, or images that look identical, so marketing hears of duplicates at upload. */
  async function sameContent(sha256: string, exceptAssetId: string, phash: string | null): Promise<Duplicate[]> {
    const duplicates: Duplicate[] = (await store.assetsWithFile(db, sha256, exceptAssetId)).map((r) => ({ ...r, match: 'same-file' }));
    if (phash) {
      const lookalikes = await store.assetsLookingLike(db, phash, sha256, exceptAssetId);
      for (const row of lookalikes) if (!duplicates.some((d) => d.id === row.id)) duplicates.push({ ...row, match: 'looks-identical' });
    }
    return duplicates;
  }

  /** What a workflow step writes: the row's new columns, and what its audit entry says beyond from → to. */
  type Step = { set: Partial<AssetRow>; detail?: Record<string, unknown> };

  /** `allowed` runs before the state is checked: someone who may not act at all hears that, not which state would do. */
  async function transition(user: CurrentUser, id: string, action: string, from: readonly Status[], step: (tx: Tx, row: AssetRow) => Step | Promise<Step>,
    comment?: string | null, allowed?: (tx: Tx, row: AssetRow) => Promise<void>) {
    await db.transaction(async (tx) => {
      const row = await visibleRow(tx, user, id, true);
      await allowed?.(tx, row);
      if (!from.includes(row.status)) {
        throw new Conflict(`the asset is ${row.status.replace('_', ' ')}; it can be ${action} only from ${from.join(' or ').replace(/_/g, ' ')}`, 'WRONG_STATE');
      }
      const { set, detail } = await step(tx, row);
      await store.updateAsset(tx, id, { ...set, updatedAt: new Date() });
      await audit(tx, id, user, action, comment, { from: row.status, to: set.status, ...detail });
    });
    await notify({ assetId: id, action });
    return service.get(user, id);
  }

  /** Approved → proposed for each field of a row's proposal (none without one). */
  async function proposedChanges(tx: Tx, row: AssetRow): Promise<FieldChange[]> {
    if (!row.pendingChanges) return [];
    return metadataChanges(storedValues(row, (await termsOf(tx, [row.id])).get(row.id)!), row.pendingChanges.values);
  }

  /** A PATCH body in the stored form (title trimmed, tags normalised, expiry as ISO), its terms checked against the taxonomy. */
  async function checkedEdit(tx: Tx, patch: AssetMetadataPatch): Promise<Partial<MetadataValues>> {
    for (const [field, facet] of Object.entries(FACET_OF_FIELD) as [keyof typeof FACET_OF_FIELD, FacetKey][]) {
      if (patch[field]) await taxonomy.resolve(tx, facet, patch[field]);
    }
    if (patch.language) await taxonomy.resolve(tx, 'language', [patch.language]);
    const edit: Partial<MetadataValues> = {};
    if (patch.title !== undefined) edit.title = patch.title.trim();
    if (patch.description !== undefined) edit.description = patch.description;
    if (patch.tags !== undefined) edit.tags = normaliseTags(patch.tags);
    if (patch.expiresAt !== undefined) edit.expiresAt = parseExpiry(patch.expiresAt)?.toISOString() ?? null;
    for (const field of ['personas', 'stages', 'products', 'industries'] as const) if (patch[field] !== undefined) edit[field] = [...new Set(patch[field])];
    if (patch.language !== undefined) edit.language = patch.language;
    return edit;
  }

  /** Writes metadata values onto the row and its terms (what sales see, for a live asset). */
  async function writeValues(tx: Tx, id: string, values: Partial<MetadataValues>, extra: Partial<AssetRow>) {
    const set: Partial<AssetRow> = { ...extra };
    if (values.title !== undefined) set.title = values.title;
    if (values.description !== undefined) set.description = values.description;
    if (values.tags !== undefined) set.tags = values.tags;
    if (values.expiresAt !== undefined) set.expiresAt = values.expiresAt === null ? null : new Date(values.expiresAt);
    await store.updateAsset(tx, id, set);
    const { personas, stages, products, industries, language } = values;
    await setTerms(tx, id, { personas, stages, products, industries, language }, true);
  }

  /** A never-approved asset: sales cannot see it, so the edit is saved as it is. */
  async function editInPlace(tx: Tx, user: CurrentUser, row: AssetRow, stored: MetadataValues, edit: Partial<MetadataValues>): Promise<boolean> {
    const changes = metadataChanges(stored, edit);
    if (changes.length === 0) return false;
    const status = statusAfterEdit(row, true);
    await writeValues(tx, row.id, differingValues(stored, edit), { status, updatedAt: new Date() });
    await audit(tx, row.id, user, 'updated', null, {
      fields: changes.map((c) => c.field), changes, from: row.status, to: status, reviewWithdrawn: row.status === 'in_review',
    });
    return true;
  }

  /** A live asset: the edit joins the proposal; the row keeps the approved values, but for an expiry brought earlier. */
  async function propose(tx: Tx, user: CurrentUser, row: AssetRow, approved: MetadataValues, edit: Partial<MetadataValues>): Promise<boolean> {
    const pending = row.pendingChanges;
    const proposedBefore = { ...approved, ...pending?.values };
    // What this edit changes, compared with the proposal as it stood (the audit entry of the edit).
    const changes = metadataChanges(proposedBefore, edit);
    if (changes.length === 0) return false;
    const proposed = { ...proposedBefore, ...edit };
    const liveNow: Partial<MetadataValues> = takesEffectAtOnce(approved.expiresAt, proposed.expiresAt) ? { expiresAt: proposed.expiresAt } : {};
    const values = differingValues({ ...approved, ...liveNow }, proposed);
    const waiting = Object.keys(values).length > 0;
    const proposer: PersonRef = { id: user.id, name: user.name };
    const pendingChanges: PendingChanges | null = waiting ? {
      values,
      proposedBy: pending?.proposedBy.some((p) => p.id === user.id) ? pending.proposedBy : [...(pending?.proposedBy ?? []), proposer],
      proposedAt: new Date().toISOString(),
      rejection: null,
    } : null;
    const awaitsReview = waiting || row.currentVersionId !== row.approvedVersionId;
    // An earlier expiry alone leaves what is under review as it was, so it does not withdraw a review.
    const onlyLiveNow = changes.every((c) => c.field in liveNow);
    const status = onlyLiveNow && awaitsReview ? row.status : statusAfterEdit(row, awaitsReview);
    await writeValues(tx, row.id, liveNow, { status, pendingChanges, updatedAt: new Date() });
    await audit(tx, row.id, user, 'updated', null, {
      fields: changes.map((c) => c.field), changes, from: row.status, to: status, reviewWithdrawn: row.status === 'in_review' && status === 'draft',
      // Which of these sales see now (an earlier expiry) and whether the rest waits for review.
      liveNow: Object.keys(liveNow), forReview: waiting,
    });
    return true;
  }

  const service = {
    onChange(listener: AssetChangeListener) {
      listeners.push(listener);
    },

    onVersionCreated(hook: VersionCreatedHook) {
      versionHooks.push(hook);
    },

    async create(user: CurrentUser, meta: AssetMetadataPatch, file: IncomingFile): Promise<AssetJson & { duplicates: Duplicate[] }> {
      const classified = await classifyFile(file.received.tempPath, file.received.size, file.fileName);
      const phash = await fingerprint(file, classified);
      const id = await db.transaction(async (tx) => {
        const asset = await store.insertAsset(tx, {
          title: meta.title?.trim() || titleFromFileName(file.fileName),
          description: meta.description ?? '',
          kind: classified.kind,
          ownerId: user.id,
          tags: normaliseTags(meta.tags ?? []),
          expiresAt: parseExpiry(meta.expiresAt),
        });
        await setTerms(tx, asset.id, meta, false);
        const version = await newVersion(tx, user, asset.id, 1, file, classified, '', phash);
        await store.updateAsset(tx, asset.id, { currentVersionId: version.id });
        await audit(tx, asset.id, user, 'created', null, { filename: file.fileName, size: file.received.size });
        return asset.id;
      });
      crashPoint('upload:committed');
      await notify({ assetId: id, action: 'created' });
      return { ...(await service.get(user, id)), duplicates: await sameContent(file.received.sha256, id, phash) };
    },

    async get(user: CurrentUser, id: string): Promise<AssetJson> {
      const row = await visibleRow(db, user, id);
      const [json] = await assetJson(db, user, [row]);
      if (seesWorkInProgress(user)) {
        json!.versions = (await store.versionHistory(db, id)).map(({ version: v, uploader }) => ({
          number: v.number, filename: v.filename, mimeType: v.mimeType, size: v.size, sha256: v.sha256, pages: v.pages,
          width: v.width, height: v.height, durationSec: v.durationSec, createdAt: v.createdAt.toISOString(),
          note: v.note, uploadedBy: uploader, previewStatus: v.previewStatus, previewError: v.previewError,
        }));
      }
      return json!;
    },

    async list(user: CurrentUser, query: AssetListQuery): Promise<{ items: AssetJson[]; nextCursor: string | null }> {
      const limit = query.limit ?? 50;
      const sort = query.sort ?? 'updated';
      const conditions: (SQL | undefined)[] = [visibleTo(user)];
      if (query.status) conditions.push(statusCondition(user, query.status));
      if (query.owner) {
        const owner = query.owner === 'me' ? user.id : query.owner;
        if (!/^[0-9a-f-]{36}$/i.test(owner)) throw new Invalid('owner must be "me" or a user id', 'BAD_OWNER');
        conditions.push(store.ownedBy(owner));
      }
      if (query.kind) conditions.push(store.ofKind(query.kind));
      if (query.tag) conditions.push(store.taggedWith(query.tag));
      for (const facet of ['persona', 'stage', 'product', 'industry', 'language'] as const) {
        const slug = query[facet];
        if (!slug) continue;
        await taxonomy.resolve(db, facet, [slug]);
        conditions.push(hasTerm(facet, slug));
      }
      const after = query.cursor ? decodeCursor(query.cursor) : null;
      const rows = await store.assetPage(db, conditions, sort, after && { value: after[0], id: after[1] }, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor(store.sortValue(sort, last), last.id) : null;
      return { items: await assetJson(db, user, page), nextCursor };
    },

    /**
     * Saves what differs and logs each changed field with its old and new value; an edit that changes nothing writes
     * nothing. A never-approved asset is edited in place. A live one keeps its approved metadata (what sales see)
     * and the edit joins its proposal (pending_changes), to go through review like a new version; only an earlier
     * expiry takes effect at once (takesEffectAtOnce). A change to an asset in review withdraws the review.
     */
    async update(user: CurrentUser, id: string, patch: AssetMetadataPatch): Promise<AssetJson> {
      const changed = await db.transaction(async (tx) => {
        const row = await visibleRow(tx, user, id, true);
        await mayChange(tx, user, row);
        if (row.status === 'archived') throw new Conflict('the asset is archived; restore it before editing', 'WRONG_STATE');
        const edit = await checkedEdit(tx, patch);
        const stored = storedValues(row, (await termsOf(tx, [id])).get(id)!);
        if (!row.approvedVersionId) return editInPlace(tx, user, row, stored, edit);
        return propose(tx, user, row, stored, edit);
      });
      if (changed) await notify({ assetId: id, action: 'updated' });
      return service.get(user, id);
    },

    /**
     * Owners delete their drafts that never went live; admins delete anything. A file goes when no version uses it,
     * after the commit (see storage/blob-collector.ts): a crash mid-delete never leaves a live asset without its file.
     */
    async remove(user: CurrentUser, id: string): Promise<void> {
      const unused = await db.transaction(async (tx) => {
        const row = await visibleRow(tx, user, id, true);
        const ownDraft = row.ownerId === user.id && (row.status === 'draft' || row.status === 'rejected') && !row.approvedVersionId;
        if (!ownDraft && !hasRole(user, 'admin')) {
          throw new Forbidden('only the owner can delete a draft that never went live; an admin can delete anything else (or archive it)', 'DELETE_NOT_ALLOWED');
        }
        return store.deleteAsset(tx, id);
      });
      await notify({ assetId: id, action: 'deleted' });
      // After the commit; a file not removed now (the database away) is removed by the collector's next pass.
      if (unused.length) await collector.collect(unused);
    },

    async addVersion(user: CurrentUser, id: string, file: IncomingFile, note: string): Promise<AssetJson & { duplicates: Duplicate[] }> {
      const classified = await classifyFile(file.received.tempPath, file.received.size, file.fileName);
      const phash = await fingerprint(file, classified);
      await db.transaction(async (tx) => {
        const row = await visibleRow(tx, user, id, true);
        await mayChange(tx, user, row);
        if (row.status === 'archived') throw new Conflict('the asset is archived; restore it before adding a version', 'WRONG_STATE');
        const next = await store.nextVersionNumber(tx, id);
        const version = await newVersion(tx, user, id, next, file, classified, note.trim(), phash);
        // The new version needs review (a review under way was of the old file, so it is withdrawn); sales keep the approved one meanwhile.
        await store.updateAsset(tx, id, { currentVersionId: version.id, status: 'draft', kind: classified.kind, updatedAt: new Date() });
        const salesKeepVersion = row.approvedVersionId ? await store.versionNumber(tx, row.approvedVersionId) ?? null : null;
        await audit(tx, id, user, 'version_added', note.trim() || null, {
          number: next, filename: file.fileName, from: row.status, to: 'draft',
          reviewWithdrawn: row.status === 'in_review', salesKeepVersion,
        });
      });
      crashPoint('upload:committed');
      await notify({ assetId: id, action: 'version_added' });
      return { ...(await service.get(user, id)), duplicates: await sameContent(file.received.sha256, id, phash) };
    },

    /** A proposal sent back and submitted again is a new proposal: its rejection mark goes. */
    submit: (user: CurrentUser, id: string) =>
      transition(user, id, 'submitted', ['draft', 'rejected'], (_tx, row) => {
        const pending = row.pendingChanges;
        return { set: { status: 'in_review', ...(pending ? { pendingChanges: { ...pending, rejection: null } } : {}) } };
      }, null, (tx, row) => mayChange(tx, user, row)),

    /**
     * Makes the version and the proposed metadata live. Approving one's own work (see ownWork) is refused when a
     * second approver is required, and marked in the audit log when not.
     */
    approve: (user: CurrentUser, id: string, comment?: string) =>
      transition(user, id, 'approved', ['in_review'], async (tx, row) => {
        const selfApproved = await ownWork(tx, user, row);
        if (selfApproved && options.requireSecondApprover) {
          throw new Forbidden('a second person must approve this: you own it or changed it since its last approval, so another approver has to approve it', 'SECOND_APPROVER_REQUIRED');
        }
        const changes = row.pendingChanges ? await applyPending(tx, row, row.pendingChanges) : [];
        return {
          set: { status: 'approved', approvedVersionId: row.currentVersionId, approvedAt: new Date(), approvedBy: user.id, pendingChanges: null },
          detail: { selfApproved, ...(changes.length ? { changes } : {}) },
        };
      }, comment),

    /** Sales keep the approved metadata; the proposal stays, marked rejected with the comment, for its author to rework. */
    reject: (user: CurrentUser, id: string, comment: string) =>
      transition(user, id, 'rejected', ['in_review'], async (tx, row) => {
        const pending = row.pendingChanges;
        const changes = await proposedChanges(tx, row);
        const rejection = { comment, by: { id: user.id, name: user.name }, at: new Date().toISOString() };
        return {
          set: { status: 'rejected', ...(pending ? { pendingChanges: { ...pending, rejection } } : {}) },
          detail: changes.length ? { changes } : {},
        };
      }, comment),

    archive: (user: CurrentUser, id: string, comment?: string) =>
      transition(user, id, 'archived', ['draft', 'in_review', 'approved', 'rejected'], () => ({ set: { status: 'archived' } }), comment),

    /** Back to approved when a version was ever approved (to draft while changed details wait for review); otherwise back to draft for review. */
    restore: (user: CurrentUser, id: string, comment?: string) =>
      transition(user, id, 'restored', ['archived'], (_tx, row) => ({
        set: { status: row.approvedVersionId && !row.pendingChanges ? 'approved' : 'draft' },
      }), comment),

    /** How many assets wait for an approver's decision (the count on the Review link). */
    async reviewCount(): Promise<{ inReview: number }> {
      return { inReview: await store.countInReview(db) };
    },

    async auditTrail(user: CurrentUser, id: string) {
      await visibleRow(db, user, id);
      return (await store.auditEntries(db, id)).map(({ entry, user: who }) => ({
        id: entry.id, action: entry.action, comment: entry.comment, at: entry.at.toISOString(),
        user: who?.id ? { id: who.id, name: who.name } : null, detail: entry.detail ?? null,
      }));
    },

    /** The version a user may download: sales only the approved one, marketing any. */
    /** The version of this asset the user is shown (null: none yet), or undefined when they may not see it. */
    async shownVersion(user: Viewer, id: string): Promise<string | null | undefined> {
      const row = await visibilityOf(id);
      return row && mayView(user, row, Date.now()) ? shownVersionId(user, row) : undefined;
    },

    /**
     * Of these assets, the ones the user may see, each with the id of the version they are shown: what a usage event
     * is about. One query for a whole batch of events.
     */
    async shownVersions(user: Viewer, ids: string[]): Promise<Map<string, string | null>> {
      const rows = await store.findVersionIds(db, [...new Set(ids)], visibleTo(user));
      return new Map(rows.map((row) => [row.id, shownVersionId(user, row)]));
    },

    /**
     * These assets as the viewer may see them, each with the version shown to them, in the order asked (the ones they
     * may not see left out): a share link's page.
     */
    async shownWithVersions(viewer: Viewer, ids: string[]): Promise<{ asset: AssetRow; version: VersionMeta }[]> {
      const found = await store.findWithVersions(db, ids, visibleTo(viewer), seesWorkInProgress(viewer) ? 'current' : 'approved');
      const byId = new Map(found.map((row) => [row.asset.id, row]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /**
     * Whether each of these assets is live (what sales, share links and pitch kits show), with its title and why not:
     * a kit tells its owner which of its assets dropped out. Titles only of assets the asker once had in a kit.
     */
    async liveness(ids: string[], now = new Date()): Promise<{ id: string; title: string; kind: string; live: boolean; reason: 'archived' | 'expired' | 'not approved' | null }[]> {
      return (await store.findAssets(db, ids)).map((row) => {
        const live = isLive(row, now.getTime());
        const reason = live ? null : row.status === 'archived' ? 'archived' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'not approved';
        return { id: row.id, title: row.title, kind: row.kind, live, reason };
      });
    },

    async downloadable(user: Viewer, id: string, number?: number): Promise<{ asset: AssetRow; version: VersionMeta }> {
      const asset = await visibleRow(db, user, id);
      const version = await store.findVersion(db, downloadableVersion(user, asset, number));
      if (!version) throw new NotFound(`this asset has no version ${number} you can download`, 'VERSION_NOT_FOUND');
      return { asset, version };
    },
  };
  return service;
}

export type AssetService = ReturnType<typeof assetService>;

function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().replace(/\s+/g, ' ').toLowerCase()).filter(Boolean))];
}

function parseExpiry(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Invalid(`expiresAt "${value}" is not a date`, 'BAD_DATE');
  return date;
}

function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(String(parsed[1]))) {
      return [parsed[0], parsed[1] as string];
    }
  } catch { /* fall through */ }
  throw new Invalid('cursor is not one this server handed out', 'BAD_CURSOR');
}
