// Content requests: sales ask for what they did not find (from an empty search, a coverage cell or anywhere), others
// say "me too", and marketing works the board — open → planned → done | declined — with an owner, a comment and the
// asset that fulfils it. Everyone who asked or voted hears how it ended; a request done with an asset still in
// review is told once the asset is approved, so the link never leads to nothing.
import type { AssetService } from '../assets/service.ts';
import { hasRole, type CurrentUser } from '../auth/roles.ts';
import { findUserById } from '../auth/store.ts';
import type { Db, Tx } from '../db/client.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import type { UsageService } from '../usage/service.ts';
import * as queries from './queries.ts';
import type { ListedRequest, RequestRow } from './queries.ts';
import type { RequestStatus } from './schemas.ts';

export interface NewRequest { description: string; persona?: string; stage?: string; queryId?: string }
export interface RequestPatch {
  status?: RequestStatus;
  assetId?: string | null;
  comment?: string | null;
  ownerId?: string | null;
  mergeInto?: string;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;
const excerpt = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

export function requestService(db: Db, assets: AssetService, taxonomy: TaxonomyService, usage: UsageService, notify: NotificationService['notify']) {
  /** The request JSON as this viewer may see it: sales see the linked asset once it is live. */
  function requestJson(viewer: CurrentUser, listed: ListedRequest) {
    const { request } = listed;
    const assetShown = listed.asset?.id && (hasRole(viewer, 'marketing') || listed.assetLive);
    return {
      id: request.id, description: request.description, persona: request.persona, stage: request.stage,
      query: request.query, queryId: request.queryId, status: request.status,
      owner: listed.owner?.id ? { id: listed.owner.id, name: listed.owner.name } : null,
      comment: request.comment,
      asset: assetShown ? { id: listed.asset!.id, title: listed.asset!.title } : null,
      requester: listed.requester?.id ? { id: listed.requester.id, name: listed.requester.name, disabled: listed.requester.disabled } : null,
      votes: listed.votes, voted: listed.voted, mergedInto: request.mergedIntoId,
      createdAt: request.createdAt.toISOString(), updatedAt: request.updatedAt.toISOString(), announcedAt: iso(request.announcedAt),
    };
  }

  async function one(viewer: CurrentUser, id: string) {
    const [listed] = await queries.listRequests(db, viewer.id, { ids: [id], limit: 1 });
    if (!listed) throw new NotFound('no such request');
    return requestJson(viewer, listed);
  }

  async function checkTerms(on: Db | Tx, terms: { persona?: string | null; stage?: string | null }) {
    if (terms.persona) await taxonomy.resolve(on, 'persona', [terms.persona]);
    if (terms.stage) await taxonomy.resolve(on, 'stage', [terms.stage]);
  }

  /** Tells everyone on the request how it ended, in the transaction that claims the telling (so once). */
  async function announce(id: string): Promise<boolean> {
    return db.transaction(async (tx) => {
      const request = await queries.claimAnnouncement(tx, id);
      if (!request) return false;
      const what = `"${excerpt(request.description, 80)}"`;
      const said = request.comment ? ` — "${excerpt(request.comment, 140)}"` : '';
      const comment = request.comment ? excerpt(request.comment, 200) : undefined;
      const told = request.status === 'declined'
        ? { kind: 'request-declined', title: `Your request was declined: ${what}`, body: comment, link: `/requests#${id}` }
        : {
          kind: 'request-done', title: `Your request is done: ${what}`,
          body: request.assetTitle ? `"${request.assetTitle}" is in the library${said}` : comment,
          link: request.assetId ? `/assets/${request.assetId}` : `/requests#${id}`,
        };
      for (const userId of await queries.enabledVoters(tx, id)) {
        await notify(userId, { ...told, key: `${told.kind}:${id}:${request.announcedAt!.getTime()}:${userId}` }, tx);
      }
      return true;
    });
  }

  const service = {
    /** Asks for missing content; from one's own search, its words and persona/stage filters are linked. */
    async create(user: CurrentUser, input: NewRequest) {
      const description = input.description.trim();
      if (!description) throw new Invalid('say what is missing (description is empty)', 'EMPTY_DESCRIPTION');
      let query: string | null = null;
      let persona = input.persona ?? null;
      let stage = input.stage ?? null;
      if (input.queryId) {
        const search = await usage.searchOf(user, input.queryId);
        if (!search) throw new NotFound('no search of yours with this queryId');
        query = search.query;
        persona ??= search.filters.persona?.[0] ?? null;
        stage ??= search.filters.stage?.[0] ?? null;
      }
      const id = await db.transaction(async (tx) => {
        await checkTerms(tx, { persona, stage });
        const row = await queries.insertRequest(tx, { requesterId: user.id, description, persona, stage, queryId: input.queryId ?? null, query });
        await queries.addVote(tx, row.id, user.id);
        return row.id;
      });
      return one(user, id);
    },

    async list(user: CurrentUser, filter: { status?: RequestStatus; mine?: boolean; limit: number }) {
      const listed = await queries.listRequests(db, user.id, { status: filter.status, votedBy: filter.mine ? user.id : undefined, limit: filter.limit });
      return { items: listed.map((row) => requestJson(user, row)) };
    },

    get: (user: CurrentUser, id: string) => one(user, id),

    /**
     * Marketing works a request: its status, owner, comment and asset, or merges it into another. Moving to
     * planned without an owner makes the one moving it the owner. Done or declined is told to its people (done with
     * an asset in review: once the asset is approved).
     */
    async update(user: CurrentUser, id: string, patch: RequestPatch) {
      if (patch.assetId) await assets.get(user, patch.assetId);
      const ended = await db.transaction(async (tx) => {
        const row = await queries.findRequest(tx, id, true);
        if (!row) throw new NotFound('no such request');
        if (row.mergedIntoId) throw new Conflict(`this request was merged into ${row.mergedIntoId}; change that one`, 'MERGED');
        if (patch.mergeInto) {
          await merge(tx, row, patch.mergeInto);
          return false;
        }
        const set: Partial<queries.NewRequestRow> = {};
        if (patch.ownerId !== undefined) set.ownerId = patch.ownerId === null ? null : await marketer(tx, patch.ownerId);
        if (patch.comment !== undefined) set.comment = patch.comment?.trim() || null;
        if (patch.assetId !== undefined) set.assetId = patch.assetId;
        if (patch.status && patch.status !== row.status) {
          set.status = patch.status;
          // Reopened or planned again: its end is still to come, and will be told then.
          set.announcedAt = null;
          if (patch.status === 'planned' && !row.ownerId && set.ownerId === undefined) set.ownerId = user.id;
        }
        await queries.updateRequest(tx, id, set);
        const status = set.status ?? row.status;
        return (status === 'done' || status === 'declined') && (set.status !== undefined || set.assetId !== undefined);
      });
      if (ended) await announce(id);
      return one(user, id);
    },

    /** "Me too": true when this is the person's first vote on it. A vote on a merged duplicate counts on the request it joined. */
    async vote(user: CurrentUser, id: string) {
      const target = await followMerges(id);
      const added = await queries.addVote(db, target, user.id);
      return { added, requestId: target, votes: await queries.votesOn(db, target) };
    },

    async unvote(user: CurrentUser, id: string): Promise<void> {
      await queries.removeVote(db, await followMerges(id), user.id);
    },

    /** Tells the people of every ended request not yet told (a done one whose asset was approved meanwhile). */
    async announceEnded(): Promise<number> {
      let told = 0;
      for (const id of await queries.unannounced(db)) if (await announce(id)) told++;
      return told;
    },
  };

  async function marketer(on: Db | Tx, userId: string): Promise<string> {
    const person = await findUserById(on, userId);
    if (!person || person.disabled || !hasRole(person, 'marketing')) throw new Invalid('the owner must be an active marketing user, approver or admin', 'NOT_MARKETING');
    return person.id;
  }

  async function merge(tx: Tx, row: RequestRow, intoId: string) {
    if (intoId === row.id) throw new Invalid('a request cannot be merged into itself', 'MERGE_SELF');
    const into = await queries.findRequest(tx, intoId, true);
    if (!into) throw new NotFound('no request to merge into with this id');
    if (into.mergedIntoId) throw new Conflict(`that request was itself merged into ${into.mergedIntoId}; merge into that one`, 'MERGED');
    await queries.moveVotes(tx, row.id, into.id);
    await queries.updateRequest(tx, row.id, { mergedIntoId: into.id });
  }

  async function followMerges(id: string): Promise<string> {
    let current = await queries.findRequest(db, id);
    if (!current) throw new NotFound('no such request');
    for (let hops = 0; current.mergedIntoId && hops < 10; hops++) current = (await queries.findRequest(db, current.mergedIntoId)) ?? current;
    return current.id;
  }

  return service;
}

export type RequestService = ReturnType<typeof requestService>;
