// The shapes of the requests API: content sales asked for, the votes on it, the failed-search backlog beside it,
// and "tell me when this exists" on a search.
import { Type } from 'typebox';
import { MAX_DAYS } from '../reports/window.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Count = Type.Integer({ minimum: 0 });
const Slug = (facet: string) => Type.String({ minLength: 1, maxLength: 60, description: `A ${facet} term's slug` });
const Person = Type.Object({ id: Type.String(), name: Type.String() });

export const REQUEST_STATUSES = ['open', 'planned', 'done', 'declined'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
export const QueryIdParams = Type.Object({ queryId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const NewRequestBody = Type.Object({
  description: Type.String({ minLength: 1, maxLength: 2000, description: 'What is missing; kept as text' }),
  persona: Type.Optional(Slug('persona')),
  stage: Type.Optional(Slug('stage')),
  queryId: Type.Optional(Type.String({ format: 'uuid', description: "The requester's search that found nothing (its words and filters are linked)" })),
}, { additionalProperties: false });

export const RequestPatchBody = Type.Object({
  status: Type.Optional(Type.Enum([...REQUEST_STATUSES])),
  assetId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'The asset that fulfils it' }))),
  comment: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: "Marketing's word to the requesters; kept as text" }))),
  ownerId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'Who in marketing takes it on' }))),
  mergeInto: Type.Optional(Type.String({ format: 'uuid', description: 'Merge this duplicate into that request: its votes move there' })),
}, { additionalProperties: false, minProperties: 1 });

export const RequestListQuery = Type.Object({
  status: Type.Optional(Type.Enum([...REQUEST_STATUSES])),
  mine: Type.Optional(Type.Boolean({ description: 'Only the requests one asked for or voted on' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
}, { additionalProperties: false });

export const ContentRequest = Type.Object({
  id: Type.String(), description: Type.String(), persona: Nullable(Type.String()), stage: Nullable(Type.String()),
  query: Nullable(Type.String({ description: 'The words of the search that found nothing' })), queryId: Nullable(Type.String()),
  status: Type.Enum([...REQUEST_STATUSES]), owner: Nullable(Person), comment: Nullable(Type.String()),
  asset: Nullable(Type.Object({ id: Type.String(), title: Type.String() }, { description: 'Shown to sales once it is live' })),
  requester: Nullable(Type.Object({ id: Type.String(), name: Type.String(), disabled: Type.Boolean() })),
  votes: Count, voted: Type.Boolean({ description: 'Whether the one asking has voted (or asked)' }),
  mergedInto: Nullable(Type.String()),
  createdAt: Time, updatedAt: Time,
  announcedAt: Nullable(Type.String({ format: 'date-time', description: 'When its people were told it is done or declined' })),
}, { title: 'ContentRequest' });

export const RequestList = Type.Object({ items: Type.Array(ContentRequest) }, { title: 'RequestList' });
export const VoteResult = Type.Object({ requestId: Type.String(), votes: Count }, { title: 'RequestVote' });

export const BacklogQuery = Type.Object({
  days: Type.Integer({ minimum: 1, maximum: MAX_DAYS, default: 30, description: `the window: the last N days, ending now (1–${MAX_DAYS})` }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
}, { additionalProperties: false });

export const BacklogTopic = Type.Object({
  topic: Type.String({ description: 'The words, as most people typed them' }),
  queries: Type.Array(Type.String(), { description: 'Every spelling, most frequent first' }),
  searchers: Count, searches: Count,
  noResults: Type.Integer({ minimum: 0, description: 'Of the searches, how many found nothing (the rest found something nobody opened)' }),
  persona: Nullable(Type.String()), stage: Nullable(Type.String()), lastAt: Time,
  watchers: Type.Integer({ minimum: 0, description: 'People waiting to be told it exists' }),
  findsNow: Type.Integer({ minimum: 0, description: 'Live assets the query finds today, as sales would search it' }),
  request: Nullable(Type.Object({ id: Type.String(), status: Type.Enum([...REQUEST_STATUSES]), votes: Count })),
}, { title: 'BacklogTopic' });
export const Backlog = Type.Object({ items: Type.Array(BacklogTopic) }, { title: 'Backlog' });

export const SearchWatch = Type.Object({
  id: Type.String(), queryId: Type.String(), query: Type.String(), filters: Type.Record(Type.String(), Type.Array(Type.String())),
  createdAt: Time, notifiedAt: Nullable(Time),
}, { title: 'SearchWatch' });
export const SearchWatchList = Type.Object({ items: Type.Array(SearchWatch) }, { title: 'SearchWatchList' });
