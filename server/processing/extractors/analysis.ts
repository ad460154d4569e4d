/** Where a version's preview pages come from; stored in asset_versions.meta.preview. */
export type PreviewSource =
  | 'image' // rendered from the image itself
  | 'pdf' // pages rendered from the PDF
  | 'converted-pdf' // pages rendered from the PDF LibreOffice made of an Office file
  | 'thumbnail' // only the picture embedded in the file (Office docProps/thumbnail)
  | 'poster' // a frame ffmpeg took from a video
  | 'card'; // nothing to show: the generated card

/** What extraction learnt about one file; becomes the processing columns of its asset version. */
export interface Analysis {
  pages: number | null;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  text: string | null;
  phash: string | null;
  /** Whether thumb.webp was written; otherwise the generated card stands in. */
  thumbnail: 'image' | 'card';
  preview: PreviewSource;
  /** What else was found (title, producer, encrypted, slide and sheet counts…), kept in asset_versions.meta. */
  meta: Record<string, unknown>;
  /** Set when the worker could not make a picture and a tool on the machine might (LibreOffice, ffmpeg). */
  wants?: 'office-render' | 'media-frame';
}

export const emptyAnalysis = (preview: PreviewSource = 'card'): Analysis => ({
  pages: null, width: null, height: null, durationSec: null, text: null, phash: null, thumbnail: 'card', preview, meta: {},
});
