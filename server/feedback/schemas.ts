// The shapes of the feedback API: "helped / didn't help" on an asset, with the moment's context.
import { Type } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Slug = (facet: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: `A ${facet} term's slug` }));

export const AssetParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const FeedbackContext = Type.Object({
  persona: Slug('persona'), stage: Slug('stage'), industry: Slug('industry'),
  opportunity: Type.Optional(Type.String({
    minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/#-]*$',
    description: "The CRM opportunity's external id (letters, digits and _ . : / # -)",
  })),
}, { additionalProperties: false, title: 'FeedbackContext' });

export const NewFeedbackBody = Type.Object({
  helpful: Type.Boolean({ description: 'Whether it helped' }),
  comment: Type.Optional(Type.String({ maxLength: 2000, description: 'What worked or what was missing; kept as text' })),
  context: Type.Optional(FeedbackContext),
}, { additionalProperties: false });

export const Feedback = Type.Object({
  id: Type.String(), assetId: Type.String(), versionId: Nullable(Type.String()), helpful: Type.Boolean(), comment: Nullable(Type.String()),
  context: Type.Object({ persona: Nullable(Type.String()), stage: Nullable(Type.String()), industry: Nullable(Type.String()), opportunity: Nullable(Type.String()) }),
  user: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
}, { title: 'Feedback' });

const Count = Type.Integer({ minimum: 0 });
export const FeedbackCountsSchema = Type.Object({
  helpful: Count, notHelpful: Count,
}, { title: 'FeedbackCounts', description: "People whose latest word on the asset is 'helped' / 'didn't help'" });

export const AssetFeedback = Type.Object({
  counts: FeedbackCountsSchema,
  items: Type.Array(Feedback, { description: 'Newest first, at most 200' }),
}, { title: 'AssetFeedback' });

export const MyFeedback = Type.Object({ feedback: Type.Union([Feedback, Type.Null()]) }, { title: 'MyFeedback' });
