import { Type, type Static } from 'typebox';
import { TITLE_MAX_LENGTH } from '../../web/src/lib/file-title.ts';
import { FILE_PROBLEMS } from './file-problem.ts';
import { KINDS } from './file-type.ts';

export const STATUSES = ['draft', 'in_review', 'approved', 'rejected', 'archived'] as const;
export type Status = (typeof STATUSES)[number];

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Slug = Type.String({ minLength: 1, maxLength: 60 });
const Slugs = Type.Array(Slug, { maxItems: 50 });

/** Metadata marketing sets on an asset; the same rules for the upload form fields and for PATCH. */
export const AssetMetadata = Type.Object({
  title: Type.String({ minLength: 1, maxLength: TITLE_MAX_LENGTH, pattern: '\\S' }),
  description: Type.String({ maxLength: 10_000 }),
  personas: Slugs,
  stages: Slugs,
  products: Slugs,
  industries: Slugs,
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 50 }),
  language: Nullable(Slug),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
}, { additionalProperties: false });
export const AssetMetadataPatch = Type.Partial(AssetMetadata, { additionalProperties: false, title: 'AssetMetadataPatch' });
export type AssetMetadataPatch = Static<typeof AssetMetadataPatch>;

export const AssetParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

// Titles name the schemas in the OpenAPI document's components (server/openapi/components.ts).
const UserRef = Type.Object({ id: Type.String(), name: Type.String() }, { title: 'UserRef' });
export const VersionSchema = Type.Object({
  number: Type.Integer(), filename: Type.String(), mimeType: Type.String(), size: Type.Integer(), sha256: Type.String(),
  pages: Nullable(Type.Integer()), width: Nullable(Type.Integer()), height: Nullable(Type.Integer()),
  durationSec: Nullable(Type.Number()), createdAt: Type.String(),
}, { title: 'Version' });
export const VersionDetail = Type.Intersect([VersionSchema, Type.Object({
  note: Type.String(), uploadedBy: UserRef, previewStatus: Type.String(), previewError: Nullable(Type.String()),
})], { title: 'VersionDetail' });

const FieldChangeSchema = Type.Union([
  Type.Object({ field: Type.Enum(['title', 'description', 'language', 'expiresAt']), from: Nullable(Type.String()), to: Nullable(Type.String()) }),
  Type.Object({ field: Type.Enum(['personas', 'stages', 'products', 'industries', 'tags']), added: Type.Array(Type.String()), removed: Type.Array(Type.String()) }),
], { title: 'FieldChange' });

/** Edits of a live asset waiting for review, for marketing and up (sales never get this field). */
export const PendingChangesSchema = Type.Object({
  /** Approved → proposed, field by field, as the audit log records an edit. */
  changes: Type.Array(FieldChangeSchema),
  /** The proposed value of each changed field (lists whole); the asset's own fields are the approved values. */
  values: Type.Partial(Type.Object({
    title: Type.String(), description: Type.String(), tags: Type.Array(Type.String()),
    personas: Type.Array(Type.String()), stages: Type.Array(Type.String()), products: Type.Array(Type.String()), industries: Type.Array(Type.String()),
    language: Nullable(Type.String()), expiresAt: Nullable(Type.String()),
  })),
  proposedBy: Type.Array(UserRef),
  proposedAt: Type.String(),
  rejection: Nullable(Type.Object({ comment: Type.String(), by: UserRef, at: Type.String() })),
}, { title: 'PendingChanges', description: 'changes waiting for review; sales keep the approved title, description, tags, terms and expiry until they are approved' });

export const AssetSchema = Type.Object({
  id: Type.String(), title: Type.String(), description: Type.String(),
  kind: Type.Enum([...KINDS]),
  status: Type.Enum([...STATUSES]),
  tags: Type.Array(Type.String()), personas: Type.Array(Type.String()), stages: Type.Array(Type.String()),
  products: Type.Array(Type.String()), industries: Type.Array(Type.String()), language: Nullable(Type.String()),
  owner: UserRef,
  createdAt: Type.String(), updatedAt: Type.String(), approvedAt: Nullable(Type.String()), expiresAt: Nullable(Type.String()),
  version: VersionSchema,
  /** Number of the version sales get, null until one is approved. */
  approvedVersion: Nullable(Type.Integer()),
  preview: Type.Object({
    status: Type.Enum(['pending', 'ready', 'failed', 'none']), error: Type.Optional(Nullable(Type.String())),
    /** Pages GET /api/assets/:id/preview?page=N serves. */
    pages: Type.Integer({ minimum: 1 }),
    /** The only picture is the small thumbnail embedded in the file (no LibreOffice on the server): show it at its size. */
    thumbnailOnly: Type.Boolean(),
    /** Why there is no preview or searchable text (a password, a damaged file), in words; null when nothing is wrong. */
    problem: Type.Optional(Nullable(Type.Object({ code: Type.Enum([...FILE_PROBLEMS]), message: Type.String() }, { title: 'FileProblem' }))),
  }),
  thumbnailUrl: Nullable(Type.String()),
  downloadUrl: Type.String(),
  versions: Type.Optional(Type.Array(VersionDetail)),
  /** Marketing and up: edits waiting for review (null when none); the fields above stay the approved ones meanwhile. */
  pendingChanges: Type.Optional(Nullable(PendingChangesSchema)),
}, { title: 'Asset' });
export type AssetJson = Static<typeof AssetSchema>;

export const AssetList = Type.Object({ items: Type.Array(AssetSchema), nextCursor: Nullable(Type.String()) }, { title: 'AssetList' });

export const AssetListQuery = Type.Object({
  status: Type.Optional(Type.Enum([...STATUSES])),
  owner: Type.Optional(Type.String({ maxLength: 40 })),
  persona: Type.Optional(Slug), stage: Type.Optional(Slug), product: Type.Optional(Slug), industry: Type.Optional(Slug), language: Type.Optional(Slug),
  kind: Type.Optional(Type.Enum([...KINDS])),
  tag: Type.Optional(Type.String({ maxLength: 60 })),
  sort: Type.Optional(Type.Enum(['updated', 'created', 'title'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });
export type AssetListQuery = Static<typeof AssetListQuery>;

export const CommentBody = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 5000 })) }, { additionalProperties: false });
export const RejectBody = Type.Object({ comment: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }) }, { additionalProperties: false });
export const DownloadQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });

export const AuditEntry = Type.Object({
  id: Type.Integer(), action: Type.String(), comment: Nullable(Type.String()), at: Type.String(),
  user: Nullable(UserRef), detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
}, { title: 'AuditEntry' });
export const AuditList = Type.Object({ items: Type.Array(AuditEntry) });

export const ReviewCount = Type.Object({ inReview: Type.Integer({ minimum: 0, description: 'assets waiting for approval' }) });
