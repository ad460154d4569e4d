// The one typed client for the Content Hub HTTP API (see API.md). Types mirror the JSON the server sends.

export const ROLES = ['sales', 'marketing', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const KINDS = ['document', 'presentation', 'spreadsheet', 'image', 'video', 'audio', 'archive', 'other'] as const;
export type Kind = (typeof KINDS)[number];

export const STATUSES = ['draft', 'in_review', 'approved', 'rejected', 'archived'] as const;
export type Status = (typeof STATUSES)[number];

export const FACET_KEYS = ['persona', 'stage', 'product', 'industry', 'language'] as const;
export type FacetKey = (typeof FACET_KEYS)[number];

export interface Me { id: string; email: string; name: string; role: Role }
export interface User extends Me { disabled: boolean; createdAt: string }
export interface UserRef { id: string; name: string }
/** A pending invite, as admins list it. */
export interface Invite { id: string; email: string; name: string; role: Role; invitedBy: UserRef | null; createdAt: string; expiresAt: string }
/** The one-time link is in this answer only. */
export interface InviteCreated extends Invite { url: string; token: string }
/** What the invited person sees on the link. */
/** What an API token may do within its owner's role (the server's auth/token-scope.ts). */
export const TOKEN_SCOPES = ['read', 'upload', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export interface ApiToken { id: string; name: string; scope: TokenScope; createdAt: string; expiresAt: string; lastUsedAt: string | null }
/** The secret is in this answer only. */
export interface ApiTokenCreated extends ApiToken { token: string }

export interface OpenInvite { email: string; name: string; role: Role; expiresAt: string }

export interface Term { slug: string; label: string }
export interface Facet { key: FacetKey; label: string; multiple: boolean; terms: Term[] }

export interface Version {
  number: number; filename: string; mimeType: string; size: number; sha256: string;
  pages: number | null; width: number | null; height: number | null; durationSec: number | null; createdAt: string;
}
export interface VersionDetail extends Version {
  note: string; uploadedBy: UserRef; previewStatus: string; previewError: string | null;
}

export interface Asset {
  id: string; title: string; description: string; kind: Kind; status: Status;
  tags: string[]; personas: string[]; stages: string[]; products: string[]; industries: string[]; language: string | null;
  owner: UserRef;
  createdAt: string; updatedAt: string; approvedAt: string | null; expiresAt: string | null;
  version: Version;
  /** Number of the version sales get; null until one is approved. */
  approvedVersion: number | null;
  preview: {
    status: 'pending' | 'ready' | 'failed' | 'none'; error?: string | null; pages: number; thumbnailOnly: boolean;
    /** Why the file has no preview or searchable text, in a sentence; null when nothing is wrong. */
    problem?: FileProblem | null;
  };
  thumbnailUrl: string | null;
  downloadUrl: string;
  /** Present for marketing and up, newest first. */
  versions?: VersionDetail[];
  /** Marketing and up: edits of a live asset waiting for review; the fields above stay the approved ones meanwhile. */
  pendingChanges?: PendingChanges | null;
}

/** What a PATCH of a live asset proposes: sales keep the asset's approved fields until an approver approves these. */
export interface PendingChanges {
  /** Approved → proposed, field by field. */
  changes: FieldChange[];
  /** The proposed value of each changed field (lists whole). */
  values: Partial<AssetMetadata>;
  proposedBy: UserRef[];
  proposedAt: string;
  /** Set when an approver sent the proposal back. */
  rejection: { comment: string; by: UserRef; at: string } | null;
}
export interface FileProblem { code: 'password-protected' | 'damaged' | 'unreadable'; message: string }
export interface Duplicate { id: string; title: string }
export type CreatedAsset = Asset & { duplicates: Duplicate[] };

export interface Page<T> { items: T[]; nextCursor: string | null }

export interface AuditEntry {
  id: number; action: string; comment: string | null; at: string;
  user: UserRef | null; detail: Record<string, unknown> | null;
}

/** One field an edit changed (detail.changes of an `updated` entry): text fields old → new, lists added and removed. */
export type FieldChange =
  | { field: 'title' | 'description' | 'language' | 'expiresAt'; from: string | null; to: string | null }
  | { field: 'personas' | 'stages' | 'products' | 'industries' | 'tags'; added: string[]; removed: string[] };

/** Metadata marketing sets on an asset: the body of PATCH /api/assets/:id. */
export interface AssetMetadata {
  title: string; description: string;
  personas: string[]; stages: string[]; products: string[]; industries: string[]; tags: string[];
  language: string | null; expiresAt: string | null;
}

/** Filters of GET /api/assets. Facets take one slug each. */
export interface AssetFilters {
  status?: Status; owner?: string; persona?: string; stage?: string; kind?: Kind;
  product?: string; industry?: string; language?: string; tag?: string;
  sort?: 'updated' | 'created' | 'title';
}

export type EventKind = 'view' | 'click' | 'copy_link' | 'presented';

/** Facets search counts and filters on: the taxonomy's, plus the kind of file. */
export const SEARCH_FACETS = ['persona', 'stage', 'kind', 'product', 'industry', 'language'] as const;
export type SearchFacet = (typeof SEARCH_FACETS)[number];
/** Filters of GET /api/search: any of the values within a facet, every facet (and free tag) at once. */
export type SearchFilters = Partial<Record<SearchFacet | 'tag', string[]>>;
export interface SearchParams extends SearchFilters { q?: string; limit?: number; offset?: number }

export type SnippetField = 'title' | 'tags' | 'labels' | 'filename' | 'description' | 'text';
/** Why a hit matched: a piece of one field, the matched words as [start, end) offsets into `text`. */
export interface SearchSnippet { field: SnippetField; text: string; highlights: { start: number; end: number }[] }
export interface FacetCount { value: string; label: string; count: number }
export interface SearchHit {
  asset: Asset; score: number; snippet: SearchSnippet | null;
  /** Matches every word of the query (the hits that do come first). */
  matchesAll: boolean;
  /** Counted uses by sales in the last 30 days (events), and the distinct people behind them. */
  usage: { last30Days: number; people30Days: number };
}
export interface SearchResult {
  /** Sent back with a click on one of the hits. */
  queryId: string;
  /** The query as the server understood it: empty for punctuation alone. */
  query: string;
  total: number;
  /** Of `total`, the hits that match only some of the words; they follow those matching all. */
  partialCount: number;
  hits: SearchHit[];
  /** Per facet, the values found with how many results each would give (a facet's own selection aside). */
  facets: Record<SearchFacet, FacetCount[]>;
}
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

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
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
function sendForm<T>(url: string, form: FormData, onProgress: (fraction: number) => void): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
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
export interface UploadFields {
  title?: string; description?: string;
  personas?: string[]; stages?: string[]; products?: string[]; industries?: string[]; tags?: string[];
  language?: string | null; expiresAt?: string | null;
}

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
  login: (email: string, password: string) => request<{ user: User }>('POST', '/api/auth/login', { email, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  /** Ends the user's other sessions and API tokens; this one stays signed in. */
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/api/auth/password', { currentPassword, newPassword }),
  apiTokens: () => request<{ items: ApiToken[] }>('GET', '/api/auth/tokens').then((r) => r.items),
  createApiToken: (name: string, scope: TokenScope, expiresInDays: number) =>
    request<ApiTokenCreated>('POST', '/api/auth/tokens', { name, scope, expiresInDays }),
  deleteApiToken: (id: string) => request<void>('DELETE', `/api/auth/tokens/${encodeURIComponent(id)}`),

  // Taxonomy
  taxonomy: () => request<{ facets: Facet[] }>('GET', '/api/taxonomy').then((r) => r.facets),
  addTerm: (facet: FacetKey, label: string) => request<Term>('POST', `/api/taxonomy/${facet}/terms`, { label }),
  renameTerm: (facet: FacetKey, slug: string, label: string) =>
    request<Term>('PATCH', `/api/taxonomy/${facet}/terms/${encodeURIComponent(slug)}`, { label }),
  deleteTerm: (facet: FacetKey, slug: string) => request<void>('DELETE', `/api/taxonomy/${facet}/terms/${encodeURIComponent(slug)}`),

  // Assets
  assets: (filters: AssetFilters, cursor?: string | null, limit = 48) =>
    request<Page<Asset>>('GET', `/api/assets${queryString({ ...filters, cursor, limit })}`),
  asset: (id: string) => request<Asset>('GET', `/api/assets/${encodeURIComponent(id)}`),
  updateAsset: (id: string, metadata: Partial<AssetMetadata>) => request<Asset>('PATCH', `/api/assets/${encodeURIComponent(id)}`, metadata),
  deleteAsset: (id: string) => request<void>('DELETE', `/api/assets/${encodeURIComponent(id)}`),
  /** How many assets wait in review (approvers). */
  reviewCount: () => request<{ inReview: number }>('GET', '/api/assets/review-count').then((r) => r.inReview),
  audit: (id: string) => request<{ items: AuditEntry[] }>('GET', `/api/assets/${encodeURIComponent(id)}/audit`).then((r) => r.items),
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
    request<{ suggestions: string[] }>('GET', `/api/search/suggest${queryString({ q })}`, undefined, signal).then((r) => r.suggestions),

  // Usage
  /** `queryId` ties a click to the search whose hit was opened. */
  event: (assetId: string, kind: EventKind, queryId?: string) =>
    request<{ accepted: boolean }>('POST', '/api/events', queryId ? { assetId, kind, queryId } : { assetId, kind }),

  // Users (admin)
  users: () => request<Page<User>>('GET', '/api/users').then((r) => r.items),
  createUser: (user: { email: string; name: string; role: Role; password: string }) => request<User>('POST', '/api/users', user),
  updateUser: (id: string, changes: { name?: string; role?: Role; disabled?: boolean; password?: string }) =>
    request<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, changes),
  invites: () => request<Page<Invite>>('GET', '/api/invites').then((r) => r.items),
  createInvite: (invite: { email: string; name: string; role: Role }) => request<InviteCreated>('POST', '/api/invites', invite),
  revokeInvite: (id: string) => request<void>('DELETE', `/api/invites/${encodeURIComponent(id)}`),

  // Invites (public: the token in the link is the credential)
  openInvite: (token: string) => request<OpenInvite>('GET', `/api/invites/by-token/${encodeURIComponent(token)}`),
  acceptInvite: (token: string, password: string, name: string) =>
    request<{ user: User }>('POST', `/api/invites/by-token/${encodeURIComponent(token)}/accept`, { password, name }),
};
