// The shapes of the sharing API: a new share, a share as its sender sees it, and its visits.
import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ShareParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const NewShareBody = Type.Object({
  assetIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 50, description: 'The assets, in the order the recipient sees them' })),
  collectionId: Type.Optional(Type.String({ format: 'uuid', description: 'Or a pitch kit: its live assets, in its order' })),
  recipient: Type.String({ minLength: 1, maxLength: 200, description: 'Who the link is for (a name or an address), shown to the sender only' }),
  opportunity: Type.Optional(Type.String({
    minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/#-]*$',
    description: "The CRM opportunity's external id (letters, digits and _ . : / # -)",
  })),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the link stops working (ISO 8601, in the future)' })),
  allowDownload: Type.Boolean({ description: 'Whether the recipient may download the files, or only read them on the page' }),
  note: Type.Optional(Type.String({ maxLength: 1000, description: 'For the sender: what was sent and why' })),
}, { additionalProperties: false });

export const ShareListQuery = Type.Object({
  all: Type.Optional(Type.Boolean({ description: "Everyone's shares (marketing and up); otherwise your own" })),
}, { additionalProperties: false });

export const ShareSummary = Type.Object({
  id: Type.String(), recipient: Type.String(), opportunity: Nullable(Type.String()), note: Nullable(Type.String()),
  allowDownload: Type.Boolean(), assetIds: Type.Array(Type.String()), sender: Type.Object({ id: Type.String(), name: Type.String() }),
  status: Type.Enum(['active', 'revoked', 'expired']), createdAt: Time, expiresAt: Nullable(Time), revokedAt: Nullable(Time),
  visitCount: Type.Integer({ minimum: 0, description: 'Openings by a person (bots and scanners apart)' }),
  botCount: Type.Integer({ minimum: 0, description: 'Openings by link scanners, unfurlers and other bots' }),
  lastVisitAt: Nullable(Time),
}, { title: 'ShareSummary' });

export const CreatedShare = Type.Intersect([ShareSummary, Type.Object({
  token: Type.String({ description: 'Shown this once: only its hash is kept' }),
  url: Type.String({ description: 'PUBLIC_URL/s/<token>' }),
})], { title: 'CreatedShare' });

export const ShareList = Type.Object({ items: Type.Array(ShareSummary) });

export const ShareDetail = Type.Intersect([ShareSummary, Type.Object({
  assets: Type.Array(Type.Object({
    id: Type.String(), title: Type.String(), kind: Type.String(),
    live: Type.Boolean({ description: 'Shown on the link now (archived or expired assets are not)' }),
  })),
  updated: Type.Array(Type.Object({ id: Type.String(), title: Type.String() }), {
    description: 'Assets updated (a newer version approved) since a person on this link last read them',
  }),
  visits: Type.Array(Type.Object({
    id: Type.String(), at: Time, lastSeenAt: Time, device: Type.String(),
    forwarded: Type.Boolean({ description: 'Another device or address than the first visitor: someone it was passed on to' }),
    downloads: Type.Integer({ minimum: 0 }), activeSec: Type.Integer({ minimum: 0 }),
    outdated: Type.Boolean({ description: 'Read an older version than the link shows now' }),
    pages: Type.Array(Type.Object({ assetId: Type.String(), page: Type.Integer({ minimum: 1 }), activeSec: Type.Integer({ minimum: 0 }) })),
  })),
  bots: Type.Array(Type.Object({ at: Time, device: Type.String(), reason: Type.String() })),
})], { title: 'ShareDetail' });

/** A heartbeat from the public page (sent with sendBeacon as text/plain JSON): active time per page since the last. */
export const HeartbeatBody = Type.Object({
  visitId: Uuid,
  pages: Type.Array(Type.Object({
    assetId: Uuid,
    page: Type.Integer({ minimum: 1, maximum: 100_000 }),
    activeMs: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
    /** The version the page shows (a page open since before a newer one was approved still shows the older). */
    versionId: Type.Optional(Uuid),
  }, { additionalProperties: false }), { maxItems: 50 }),
  /** Someone scrolled, typed or touched since the page opened. */
  interacted: Type.Boolean(),
  /** The browser says it is driven by automation (navigator.webdriver). */
  automated: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const KitParams = ShareParams;

const KitFields = {
  name: Type.String({ minLength: 1, maxLength: 120, description: 'What the kit is for, e.g. "CFO — evaluation"' }),
  assetIds: Type.Array(Uuid, { maxItems: 100, description: 'In the order they are shown and shared' }),
  shared: Type.Boolean({ description: 'Shared with the team (everyone sees it; marketing can edit it)' }),
};
export const NewKitBody = Type.Object({ ...KitFields, shared: Type.Optional(KitFields.shared) }, { additionalProperties: false });
export const KitPatch = Type.Partial(Type.Object(KitFields), { additionalProperties: false });

export const Kit = Type.Object({
  id: Type.String(), name: Type.String(), shared: Type.Boolean(), owner: Type.Object({ id: Type.String(), name: Type.String() }),
  mayEdit: Type.Boolean(), updatedAt: Time,
  assetIds: Type.Array(Type.String(), { description: 'Its live assets, in order' }),
  assets: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), kind: Type.String() }), { description: 'The same, with their titles' }),
  dropped: Type.Array(Type.Object({
    id: Type.String(), title: Type.String(), reason: Type.Enum(['archived', 'expired', 'not approved']),
  }), { description: 'For its owner: assets that dropped out, and why' }),
}, { title: 'Kit' });
export const KitList = Type.Object({ items: Type.Array(Kit) });
