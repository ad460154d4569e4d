// Feedback on content: at the moment of use, anyone who can see an asset says whether it helped, with an optional
// comment and the moment's context (persona, stage, industry, opportunity). Marketing reads it per asset and in the
// per-asset report; the owner hears of new feedback in the app (once a day per asset, not once per click).
import type { AssetService } from '../assets/service.ts';
import type { CurrentUser } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import * as queries from './queries.ts';
import type { FeedbackRow } from './queries.ts';

export interface NewFeedback {
  helpful: boolean;
  comment?: string;
  context?: { persona?: string; stage?: string; industry?: string; opportunity?: string };
}

/** Listed per asset at most (the counts cover all of it). */
const LIST_LIMIT = 200;
const CONTEXT_FACETS = ['persona', 'stage', 'industry'] as const;

function feedbackJson(row: FeedbackRow, userName: string | null) {
  return {
    id: row.id, assetId: row.assetId, versionId: row.versionId, helpful: row.helpful, comment: row.comment,
    context: { persona: row.persona, stage: row.stage, industry: row.industry, opportunity: row.opportunity },
    user: row.userId ? { id: row.userId, name: userName ?? 'unknown' } : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function feedbackService(db: Db, assets: AssetService, taxonomy: TaxonomyService, notify: NotificationService['notify']) {
  return {
    /** Records feedback on an asset the user can see (404 otherwise), on the version they are shown. */
    async give(user: CurrentUser, assetId: string, input: NewFeedback) {
      const asset = await assets.get(user, assetId);
      const versionId = (await assets.shownVersions(user, [assetId])).get(assetId) ?? null;
      const context = input.context ?? {};
      // A context term must exist: a 400 naming the known ones otherwise.
      for (const facet of CONTEXT_FACETS) if (context[facet]) await taxonomy.resolve(db, facet, [context[facet]]);
      const comment = input.comment?.trim() || null;
      const row = await queries.insertFeedback(db, {
        assetId, versionId, userId: user.id, helpful: input.helpful, comment,
        persona: context.persona ?? null, stage: context.stage ?? null, industry: context.industry ?? null, opportunity: context.opportunity ?? null,
      });
      if (asset.owner.id !== user.id) {
        const day = row.createdAt.toISOString().slice(0, 10);
        await notify(asset.owner.id, {
          kind: 'feedback', key: `feedback:${assetId}:${day}`,
          title: `New feedback on "${asset.title}"`,
          body: `${user.name}: ${input.helpful ? 'it helped' : "it didn't help"}${comment ? ` — "${comment.slice(0, 140)}"` : ''}`,
          link: `/assets/${assetId}#feedback`,
        });
      }
      return feedbackJson(row, user.name);
    },

    /** An asset's feedback for marketing: each person's latest word counted, and the feedback itself, newest first. */
    async ofAsset(user: CurrentUser, assetId: string) {
      await assets.get(user, assetId);
      const [listed, counts] = await Promise.all([queries.feedbackOf(db, assetId, LIST_LIMIT), queries.feedbackCounts(db, [assetId])]);
      return {
        counts: counts.get(assetId) ?? { helpful: 0, notHelpful: 0 },
        items: listed.map(({ feedback, userName }) => feedbackJson(feedback, userName)),
      };
    },

    /** The user's own latest feedback on an asset they can see, so the page shows what they said. */
    async mine(user: CurrentUser, assetId: string) {
      await assets.get(user, assetId);
      const row = await queries.latestFeedbackBy(db, assetId, user.id);
      return { feedback: row ? feedbackJson(row, user.name) : null };
    },

    /**
     * Per asset, the people whose latest word since `since` is helped / didn't help: the per-asset report's columns.
     * `on` is the caller's transaction when it reads in one (a report does; on PGlite a read beside it would wait).
     */
    counts: (assetIds: string[], since?: Date, on: Db = db) => queries.feedbackCounts(on, assetIds, since),
  };
}

export type FeedbackService = ReturnType<typeof feedbackService>;
