// The one typed client for the Content Hub HTTP API (see API.md). Its types are the server's OpenAPI document's,
// generated into api-schema.d.ts by `npm run api:types`; only what the document cannot say is written here.
import type { components, paths } from './api-schema.d.ts';

type Schemas = components['schemas'];
type Method = 'get' | 'post' | 'patch' | 'delete';
/** The JSON body a route answers with, for the given status. */
type Reply<Path extends keyof paths, M extends Method, Status extends number = 200> =
  paths[Path][M] extends { responses: { [S in Status]: { content: { 'application/json': infer Body } } } } ? Body : never;
/** The JSON body a route takes. */
type RequestBody<Path extends keyof paths, M extends Method> =
  paths[Path][M] extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;
/** The query parameters of a GET route. */
type Query<Path extends keyof paths> = paths[Path]['get'] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/**
 * A union's values as a list at run time; the compiler checks the list holds every one of them and nothing else,
 * so a value the server adds shows up here as an error rather than as a missing filter or option.
 */
function everyValueOf<Value extends string>() {
  return <const List extends readonly Value[]>(list: List & ([Value] extends [List[number]] ? unknown : { missing: Exclude<Value, List[number]> })): List => list;
}

export type Me = Schemas['Me'];
export type User = Schemas['User'];
export type UserRef = Schemas['UserRef'];
export type Role = Me['role'];
export const ROLES = everyValueOf<Role>()(['sales', 'marketing', 'approver', 'admin']);
/** A pending invite, as admins list it. */
export type Invite = Schemas['Invite'];
/** The one-time link is in this answer only. */
export type InviteCreated = Schemas['InviteCreated'];
/** What the invited person sees on the link. */
export type OpenInvite = Schemas['OpenInvite'];
export type ApiToken = Schemas['ApiToken'];
/** The secret is in this answer only. */
export type ApiTokenCreated = Schemas['ApiTokenCreated'];
/** What an API token may do within its owner's role (the server's auth/token-scope.ts). */
export type TokenScope = ApiToken['scope'];
export const TOKEN_SCOPES = everyValueOf<TokenScope>()(['read', 'upload', 'admin']);

export type Term = Schemas['Term'];
export type Facet = Schemas['Facet'];
export type FacetKey = Facet['key'];
export const FACET_KEYS = everyValueOf<FacetKey>()(['persona', 'stage', 'product', 'industry', 'language']);

export type Asset = Schemas['Asset'];
export type Kind = Asset['kind'];
export const KINDS = everyValueOf<Kind>()(['document', 'presentation', 'spreadsheet', 'image', 'video', 'audio', 'archive', 'other']);
export type Status = Asset['status'];
export const STATUSES = everyValueOf<Status>()(['draft', 'in_review', 'approved', 'rejected', 'archived']);
export type Version = Schemas['Version'];
export type VersionDetail = Schemas['VersionDetail'];
/** What a PATCH of a live asset proposes: sales keep the asset's approved fields until an approver approves these. */
export type PendingChanges = Schemas['PendingChanges'];
/** Why the file has no preview or searchable text, in a sentence. */
export type FileProblem = Schemas['FileProblem'];
/** An asset already in the library with the same file (or, for an image, one that looks the same). */
export type Duplicate = Schemas['Duplicate'];
export type CreatedAsset = Schemas['CreatedAsset'];
export type AssetPage = Schemas['AssetList'];
export type AuditEntry = Schemas['AuditEntry'];
/** One field an edit changed (detail.changes of an `updated` entry): text fields old → new, lists added and removed. */
export type FieldChange = Schemas['FieldChange'];

/** Metadata marketing sets on an asset: the body of PATCH /api/assets/:id, every field given. */
export type AssetMetadata = Required<Schemas['AssetMetadataPatch']>;
/** Filters of GET /api/assets. Facets take one slug each. */
export type AssetFilters = Omit<Query<'/api/assets'>, 'limit' | 'cursor'>;

export type ShareSummary = Schemas['ShareSummary'];
export type CreatedShare = Schemas['CreatedShare'];
export type ShareDetail = Schemas['ShareDetail'];
export type NewShare = RequestBody<'/api/shares', 'post'>;
export type Kit = Schemas['Kit'];
export type Notification = Schemas['Notification'];
export type Feedback = Schemas['Feedback'];
export type AssetFeedback = Schemas['AssetFeedback'];
export type NewFeedback = RequestBody<'/api/assets/{id}/feedback', 'post'>;
export type ContentRequest = Schemas['ContentRequest'];
export type RequestStatus = ContentRequest['status'];
export const REQUEST_STATUSES = everyValueOf<RequestStatus>()(['open', 'planned', 'done', 'declined']);
export type NewContentRequest = RequestBody<'/api/requests', 'post'>;
export type RequestPatch = RequestBody<'/api/requests/{id}', 'patch'>;
export type BacklogTopic = Schemas['BacklogTopic'];
export type SearchWatch = Schemas['SearchWatch'];
export type OpportunityImport = Schemas['OpportunityImport'];
export type InfluenceReport = Schemas['Influence'];

export type EventKind = RequestBody<'/api/events', 'post'>['kind'];

export type SearchResult = Schemas['SearchResult'];
export type SearchHit = Schemas['SearchHit'];
/** Why a hit matched: a piece of one field, the matched words as [start, end) offsets into `text`. */
export type SearchSnippet = Schemas['SearchSnippet'];
export type SnippetField = SearchSnippet['field'];
export type FacetCount = Schemas['FacetCount'];
/** Facets search counts and filters on: the taxonomy's, plus the kind of file. */
export type SearchFacet = keyof SearchResult['facets'];
export const SEARCH_FACETS = everyValueOf<SearchFacet>()(['persona', 'stage', 'kind', 'product', 'industry', 'language']);
/** Query of GET /api/search; the server fills in what is left out. */
export type SearchParams = Partial<Query<'/api/search'>>;
/** Filters of GET /api/search: any of the values within a facet, every facet (and free tag) at once. */
export type SearchFilters = Pick<SearchParams, SearchFacet | 'tag'>;

export type WorkflowAction = 'submit' | 'approve' | 'reject' | 'archive' | 'restore';

/** An error reply from the server, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code = 'ERROR') {
    super(message);
    this.name = 'ApiError';
  }
}

let unauthorized: () => void = () => {};
/** Called when any request other than sign-in answers 401 (the session ended). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

function errorFrom(status: number, body: unknown, fallback: string): ApiError {
  const reply = (body ?? {}) as { message?: unknown; code?: unknown };
  const message = typeof reply.message === 'string' && reply.message ? reply.message : fallback;
  return new ApiError(status, message, typeof reply.code === 'string' ? reply.code : 'ERROR');
}

/** What a failed fetch means: cancelled by us (code ABORTED), or the network. */
function fetchFailure(signal: AbortSignal | undefined): ApiError {
  return signal?.aborted
    ? new ApiError(0, 'request cancelled', 'ABORTED')
    : new ApiError(0, 'cannot reach the server; check your connection and try again', 'NETWORK');
}

/** One JSON request: errors become ApiError, a 401 ends the session (onUnauthorized). Other typed clients (reports-api.ts) share it. */
export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (response.status === 204) return undefined as T;
    text = await response.text();
  } catch {
    throw fetchFailure(signal);
  }
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch { /* not JSON: a proxy error page, say */ }
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/auth/login') unauthorized();
    throw errorFrom(response.status, parsed, `the server answered ${response.status} ${response.statusText}`);
  }
  return parsed as T;
}

/** Lists become repeated parameters (`stage=a&stage=b`); empty values are left out. */
function queryString(params: Record<string, string | number | readonly string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const item of value) search.append(key, item);
    else if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface UploadHandle<T> {
  /** Resolves with the created resource; rejects with ApiError (status 0 and code ABORTED when cancelled). */
  done: Promise<T>;
  abort(): void;
}

/**
 * Sends a multipart form with XMLHttpRequest, because fetch reports no upload progress.
 * `onProgress` gets the fraction sent, 0..1.
 */
/** POSTs a form or a file with upload progress (fetch cannot report it); `contentType` for a bare file. */
function sendForm<T>(url: string, form: FormData | Blob, onProgress: (fraction: number) => void, contentType?: string): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    if (contentType) xhr.setRequestHeader('content-type', contentType);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let body: unknown = undefined;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as T);
        return;
      }
      if (xhr.status === 401) unauthorized();
      reject(errorFrom(xhr.status, body, `the server answered ${xhr.status}`));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'the upload was interrupted; check your connection and try again', 'NETWORK')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'upload cancelled', 'ABORTED')));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/** Fields of an upload form; lists are sent comma-separated. */
export type UploadFields = Partial<AssetMetadata>;

function uploadForm(fields: UploadFields, file: File): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields) as [string, string | string[] | null | undefined][]) {
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.join(',') : value.trim();
    if (text) form.append(name, text);
  }
  // The file goes last so the server has every field by the time the bytes arrive.
  form.append('file', file, file.name);
  return form;
}

function versionForm(file: File, note: string): FormData {
  const form = new FormData();
  if (note.trim()) form.append('note', note.trim());
  form.append('file', file, file.name);
  return form;
}

export const api = {
  // Session
  me: () => request<Me>('GET', '/api/me'),
  login: (email: string, password: string) => request<Reply<'/api/auth/login', 'post'>>('POST', '/api/auth/login', { email, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  /** Ends the user's other sessions and API tokens; this one stays signed in. */
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/api/auth/password', { currentPassword, newPassword }),
  apiTokens: () => request<Reply<'/api/auth/tokens', 'get'>>('GET', '/api/auth/tokens').then((r) => r.items),
  createApiToken: (name: string, scope: TokenScope, expiresInDays: number) =>
    request<ApiTokenCreated>('POST', '/api/auth/tokens', { name, scope, expiresInDays }),
  deleteApiToken: (id: string) => request<void>('DELETE', `/api/auth/tokens/${encodeURIComponent(id)}`),

  // Taxonomy
  taxonomy: () => request<Reply<'/api/taxonomy', 'get'>>('GET', '/api/taxonomy').then((r) => r.facets),
  addTerm: (facet: FacetKey, label: string) => request<Term>('POST', `/api/taxonomy/${facet}/terms`, { label }),
  renameTerm: (facet: FacetKey, slug: string, label: string) =>
    request<Term>('PATCH', `/api/taxonomy/${facet}/terms/${encodeURIComponent(slug)}`, { label }),
  deleteTerm: (facet: FacetKey, slug: string) => request<void>('DELETE', `/api/taxonomy/${facet}/terms/${encodeURIComponent(slug)}`),

  // Assets
  assets: (filters: AssetFilters, cursor?: string | null, limit = 48) =>
    request<AssetPage>('GET', `/api/assets${queryString({ ...filters, cursor, limit })}`),
  asset: (id: string) => request<Asset>('GET', `/api/assets/${encodeURIComponent(id)}`),
  updateAsset: (id: string, metadata: Partial<AssetMetadata>) => request<Asset>('PATCH', `/api/assets/${encodeURIComponent(id)}`, metadata),
  deleteAsset: (id: string) => request<void>('DELETE', `/api/assets/${encodeURIComponent(id)}`),
  /** How many assets wait in review (approvers). */
  reviewCount: () => request<Reply<'/api/assets/review-count', 'get'>>('GET', '/api/assets/review-count').then((r) => r.inReview),
  audit: (id: string) => request<Reply<'/api/assets/{id}/audit', 'get'>>('GET', `/api/assets/${encodeURIComponent(id)}/audit`).then((r) => r.items),
  workflow: (id: string, action: WorkflowAction, comment?: string) =>
    request<Asset>('POST', `/api/assets/${encodeURIComponent(id)}/${action}`, comment ? { comment } : {}),
  upload: (fields: UploadFields, file: File, onProgress: (fraction: number) => void) =>
    sendForm<CreatedAsset>('/api/assets', uploadForm(fields, file), onProgress),
  uploadVersion: (id: string, file: File, note: string, onProgress: (fraction: number) => void) =>
    sendForm<CreatedAsset>(`/api/assets/${encodeURIComponent(id)}/versions`, versionForm(file, note), onProgress),
  /** The rendered page; the version number keeps a cached page of an older version from showing. */
  previewUrl: (id: string, version: number, page = 1) => `/api/assets/${encodeURIComponent(id)}/preview${queryString({ page: page > 1 ? page : undefined, v: version })}`,

  // Search: `signal` cancels a request a newer keystroke made pointless.
  search: (params: SearchParams, signal?: AbortSignal) =>
    request<SearchResult>('GET', `/api/search${queryString({ ...params })}`, undefined, signal),
  suggest: (q: string, signal?: AbortSignal) =>
    request<Reply<'/api/search/suggest', 'get'>>('GET', `/api/search/suggest${queryString({ q })}`, undefined, signal).then((r) => r.suggestions),

  // Usage
  /** `queryId` ties a click to the search whose hit was opened. */
  event: (assetId: string, kind: EventKind, queryId?: string) =>
    request<Reply<'/api/events', 'post', 202>>('POST', '/api/events', queryId ? { assetId, kind, queryId } : { assetId, kind }),

  // Share links
  createShare: (share: NewShare) => request<CreatedShare>('POST', '/api/shares', share),
  shares: (all = false) => request<Reply<'/api/shares', 'get'>>('GET', `/api/shares${all ? '?all=true' : ''}`).then((r) => r.items),
  share: (id: string) => request<ShareDetail>('GET', `/api/shares/${encodeURIComponent(id)}`),
  revokeShare: (id: string) => request<void>('DELETE', `/api/shares/${encodeURIComponent(id)}`),

  // Pitch kits
  kits: () => request<Reply<'/api/collections', 'get'>>('GET', '/api/collections').then((r) => r.items),
  createKit: (kit: RequestBody<'/api/collections', 'post'>) => request<Kit>('POST', '/api/collections', kit),
  updateKit: (id: string, changes: RequestBody<'/api/collections/{id}', 'patch'>) => request<Kit>('PATCH', `/api/collections/${encodeURIComponent(id)}`, changes),
  deleteKit: (id: string) => request<void>('DELETE', `/api/collections/${encodeURIComponent(id)}`),

  // Feedback
  giveFeedback: (assetId: string, feedback: NewFeedback) => request<Feedback>('POST', `/api/assets/${encodeURIComponent(assetId)}/feedback`, feedback),
  myFeedback: (assetId: string) => request<Reply<'/api/assets/{id}/feedback/mine', 'get'>>('GET', `/api/assets/${encodeURIComponent(assetId)}/feedback/mine`).then((r) => r.feedback),
  assetFeedback: (assetId: string) => request<AssetFeedback>('GET', `/api/assets/${encodeURIComponent(assetId)}/feedback`),

  // Content requests, the failed-search backlog, watched searches
  requests: (filter: { status?: RequestStatus; mine?: boolean } = {}) =>
    request<Reply<'/api/requests', 'get'>>('GET', `/api/requests${queryString({ status: filter.status, mine: filter.mine ? 'true' : undefined })}`).then((r) => r.items),
  createRequest: (body: NewContentRequest) => request<ContentRequest>('POST', '/api/requests', body),
  updateRequest: (id: string, patch: RequestPatch) => request<ContentRequest>('PATCH', `/api/requests/${encodeURIComponent(id)}`, patch),
  voteRequest: (id: string) => request<Reply<'/api/requests/{id}/votes', 'post', 201>>('POST', `/api/requests/${encodeURIComponent(id)}/votes`),
  unvoteRequest: (id: string) => request<void>('DELETE', `/api/requests/${encodeURIComponent(id)}/votes`),
  backlog: (days = 30) => request<Reply<'/api/requests/backlog', 'get'>>('GET', `/api/requests/backlog${queryString({ days })}`).then((r) => r.items),
  watchSearch: (queryId: string) => request<SearchWatch>('POST', `/api/searches/${encodeURIComponent(queryId)}/watch`),
  unwatchSearch: (queryId: string) => request<void>('DELETE', `/api/searches/${encodeURIComponent(queryId)}/watch`),

  // Deals from the CRM
  /** `dryRun`: only the summary of what would be imported; `allOrNothing`: nothing when a row is bad. */
  importOpportunities: (file: File, options: { dryRun: boolean; allOrNothing: boolean }, onProgress: (fraction: number) => void) =>
    sendForm<OpportunityImport>(`/api/opportunities/import${queryString({ dryRun: String(options.dryRun), allOrNothing: String(options.allOrNothing) })}`, file, onProgress, 'text/csv'),

  // Notifications
  notifications: () => request<Reply<'/api/notifications', 'get'>>('GET', '/api/notifications'),
  /** Without ids: all of them. */
  readNotifications: (ids?: string[]) => request<void>('POST', '/api/notifications/read', ids ? { ids } : {}),

  // Users (admin)
  users: () => request<Reply<'/api/users', 'get'>>('GET', '/api/users').then((r) => r.items),
  createUser: (user: RequestBody<'/api/users', 'post'>) => request<User>('POST', '/api/users', user),
  updateUser: (id: string, changes: RequestBody<'/api/users/{id}', 'patch'>) =>
    request<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, changes),
  invites: () => request<Reply<'/api/invites', 'get'>>('GET', '/api/invites').then((r) => r.items),
  createInvite: (invite: RequestBody<'/api/invites', 'post'>) => request<InviteCreated>('POST', '/api/invites', invite),
  revokeInvite: (id: string) => request<void>('DELETE', `/api/invites/${encodeURIComponent(id)}`),

  // Invites (public: the token in the link is the credential)
  openInvite: (token: string) => request<OpenInvite>('GET', `/api/invites/by-token/${encodeURIComponent(token)}`),
  acceptInvite: (token: string, password: string, name: string) =>
    request<Reply<'/api/invites/by-token/{token}/accept', 'post'>>('POST', `/api/invites/by-token/${encodeURIComponent(token)}/accept`, { password, name }),
};
