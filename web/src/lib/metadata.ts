import type { Asset, AssetMetadata, UploadFields } from './api.ts';
import { fromDateInput, toDateInput } from './format.ts';

/** What the metadata form edits; the expiry is a date input's `yyyy-mm-dd`, the language '' for none. */
export interface MetadataDraft {
  description: string;
  personas: string[]; stages: string[]; products: string[]; industries: string[];
  tags: string[];
  language: string;
  expires: string;
}

export function emptyDraft(): MetadataDraft {
  return { description: '', personas: [], stages: [], products: [], industries: [], tags: [], language: '', expires: '' };
}

/** The asset with its proposed changes applied: what its next approval would make live (what the edit form starts from). */
export function proposedAsset(asset: Asset): Asset {
  const values = asset.pendingChanges?.values;
  return values ? { ...asset, ...values } as Asset : asset;
}

export function draftFromAsset(asset: Asset): MetadataDraft {
  return {
    description: asset.description,
    personas: [...asset.personas], stages: [...asset.stages], products: [...asset.products], industries: [...asset.industries],
    tags: [...asset.tags], language: asset.language ?? '', expires: toDateInput(asset.expiresAt),
  };
}

export function uploadFields(draft: MetadataDraft, title: string): UploadFields {
  return {
    title, description: draft.description,
    personas: draft.personas, stages: draft.stages, products: draft.products, industries: draft.industries, tags: draft.tags,
    language: draft.language || null, expiresAt: fromDateInput(draft.expires),
  };
}

export function metadataPatch(draft: MetadataDraft, title: string): AssetMetadata {
  return {
    title: title.trim(), description: draft.description,
    personas: draft.personas, stages: draft.stages, products: draft.products, industries: draft.industries, tags: draft.tags,
    language: draft.language || null, expiresAt: fromDateInput(draft.expires),
  };
}
