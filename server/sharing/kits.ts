// Pitch kits: named, ordered sets of assets for a situation ("CFO — evaluation"), personal or shared with the team,
// shareable as one link. A kit shows only its live assets (what a link to it would serve); one archived or expired
// drops out, and its owner is told which and why. The owner edits a kit; marketing and up edit shared ones too.
import { and, asc, desc, eq, inArray, or } from 'drizzle-orm';
import { hasRole, type CurrentUser } from '../auth/roles.ts';
import type { AssetService } from '../assets/service.ts';
import type { Db } from '../db/client.ts';
import { collectionAssets, collections, users } from '../db/schema.ts';
import { Forbidden, NotFound } from '../errors.ts';

export interface KitInput { name: string; assetIds: string[]; shared: boolean }

type KitRow = typeof collections.$inferSelect;

export function kitService(db: Db, assets: AssetService) {
  /** A kit the user may see (their own or a shared one), or 404. */
  async function visibleKit(user: CurrentUser, id: string): Promise<KitRow> {
    const [kit] = await db.select().from(collections).where(and(eq(collections.id, id), or(eq(collections.ownerId, user.id), eq(collections.shared, true))));
    if (!kit) throw new NotFound('no such kit', 'KIT_NOT_FOUND');
    return kit;
  }

  const mayEdit = (user: CurrentUser, kit: KitRow) => kit.ownerId === user.id || (kit.shared && hasRole(user, 'marketing'));

  /** Every asset must be one the user can see and live: a kit is for sharing. */
  async function checkAssets(user: CurrentUser, assetIds: string[]) {
    const shown = await assets.shownVersions(user, assetIds);
    const live = new Map((await assets.liveness(assetIds)).map((row) => [row.id, row.live]));
    const missing = assetIds.find((id) => !shown.has(id) || !live.get(id));
    if (missing) throw new NotFound(`no such live asset: ${missing}`, 'ASSET_NOT_FOUND');
  }

  async function describe(user: CurrentUser, kits: KitRow[]) {
    const ids = kits.map((kit) => kit.id);
    const links = ids.length === 0 ? [] : await db.select().from(collectionAssets).where(inArray(collectionAssets.collectionId, ids)).orderBy(asc(collectionAssets.position));
    const state = new Map((await assets.liveness([...new Set(links.map((link) => link.assetId))])).map((row) => [row.id, row]));
    const owners = new Map((ids.length === 0 ? [] : await db.select({ id: users.id, name: users.name }).from(users)
      .where(inArray(users.id, [...new Set(kits.map((kit) => kit.ownerId))]))).map((row) => [row.id, row.name]));
    return kits.map((kit) => {
      const own = links.filter((link) => link.collectionId === kit.id).map((link) => state.get(link.assetId)).filter((row) => row !== undefined);
      return {
        id: kit.id, name: kit.name, shared: kit.shared, owner: { id: kit.ownerId, name: owners.get(kit.ownerId) ?? '' },
        mayEdit: mayEdit(user, kit), updatedAt: kit.updatedAt.toISOString(),
        assetIds: own.filter((row) => row.live).map((row) => row.id),
        assets: own.filter((row) => row.live).map((row) => ({ id: row.id, title: row.title, kind: row.kind })),
        // Told to the owner only: which assets dropped out, and why.
        dropped: kit.ownerId === user.id ? own.filter((row) => !row.live).map((row) => ({ id: row.id, title: row.title, reason: row.reason! })) : [],
      };
    });
  }

  async function setAssets(tx: Parameters<Parameters<Db['transaction']>[0]>[0], kitId: string, assetIds: string[]) {
    await tx.delete(collectionAssets).where(eq(collectionAssets.collectionId, kitId));
    if (assetIds.length) await tx.insert(collectionAssets).values(assetIds.map((assetId, position) => ({ collectionId: kitId, assetId, position })));
  }

  const service = {
    /** The user's own kits and the team's shared ones, most recently changed first. */
    async list(user: CurrentUser) {
      const kits = await db.select().from(collections).where(or(eq(collections.ownerId, user.id), eq(collections.shared, true)))
        .orderBy(desc(collections.updatedAt)).limit(500);
      return describe(user, kits);
    },

    async get(user: CurrentUser, id: string) {
      return (await describe(user, [await visibleKit(user, id)]))[0]!;
    },

    async create(user: CurrentUser, input: KitInput) {
      const assetIds = [...new Set(input.assetIds)];
      await checkAssets(user, assetIds);
      const kit = await db.transaction(async (tx) => {
        const [row] = await tx.insert(collections).values({ ownerId: user.id, name: input.name.trim(), shared: input.shared }).returning();
        await setAssets(tx, row!.id, assetIds);
        return row!;
      });
      return service.get(user, kit.id);
    },

    /** Renames, reorders, adds or removes assets, or shares; the assets given replace the kit's (dropped ones go). */
    async update(user: CurrentUser, id: string, patch: Partial<KitInput>) {
      const kit = await visibleKit(user, id);
      if (!mayEdit(user, kit)) throw new Forbidden('only its owner, or marketing for a shared kit, changes a kit', 'NOT_KIT_OWNER');
      if (patch.shared !== undefined && kit.ownerId !== user.id) throw new Forbidden('only its owner shares or unshares a kit', 'NOT_KIT_OWNER');
      const assetIds = patch.assetIds && [...new Set(patch.assetIds)];
      if (assetIds) await checkAssets(user, assetIds);
      await db.transaction(async (tx) => {
        await tx.update(collections).set({
          ...(patch.name !== undefined && { name: patch.name.trim() }), ...(patch.shared !== undefined && { shared: patch.shared }), updatedAt: new Date(),
        }).where(eq(collections.id, id));
        if (assetIds) await setAssets(tx, id, assetIds);
      });
      return service.get(user, id);
    },

    async remove(user: CurrentUser, id: string): Promise<void> {
      const kit = await visibleKit(user, id);
      if (kit.ownerId !== user.id && !hasRole(user, 'admin')) throw new Forbidden('only its owner deletes a kit', 'NOT_KIT_OWNER');
      await db.delete(collections).where(eq(collections.id, id));
    },

    /** The live assets of a kit the user may see, in its order: what a link to it shares. */
    async assetsToShare(user: CurrentUser, id: string): Promise<string[]> {
      return (await service.get(user, id)).assetIds;
    },
  };
  return service;
}

export type KitService = ReturnType<typeof kitService>;
