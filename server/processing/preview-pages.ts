import type { PreviewSource } from './extractors/analysis.ts';

/** What a version's stored analysis says about its preview: where the pages come from and how many there are. */
export interface PreviewShape {
  source: PreviewSource;
  /** Pages the preview endpoint renders: a deck with only its embedded thumbnail has one, whatever its slide count. */
  pages: number;
}

/** The one reading of meta.preview and meta.previewPages, for the preview endpoint and the asset JSON alike. */
export function previewShape(version: { previewStatus: string; pages: number | null; meta: unknown }): PreviewShape {
  const meta = (version.meta ?? {}) as { preview?: PreviewSource; previewPages?: unknown };
  const source = version.previewStatus === 'ready' ? meta.preview ?? 'card' : 'card';
  const pages = typeof meta.previewPages === 'number' ? meta.previewPages
    : source === 'pdf' || (source === 'image' && (version.pages ?? 1) > 1) ? version.pages ?? 1 : 1;
  return { source, pages };
}
