// Every bound the processing domain puts on hostile input, in one place so they can be read (and reviewed) together.

/** Images larger than this are refused before decoding (pixel floods); sharp's own default is ~268 MP. */
export const MAX_INPUT_PIXELS = 100_000_000;

/** Thumbnails are about 320 px wide; very tall images are cut down to this height. */
export const THUMBNAIL_WIDTH = 320;
export const THUMBNAIL_MAX_HEIGHT = 640;

/** Previews fit inside this square. */
export const PREVIEW_BOX = 1600;

/** Extracted text kept for search; the rest of a huge document is dropped (and meta says so). */
export const MAX_TEXT_CHARS = 10 * 1024 * 1024;

/** Zip containers (Office, OpenDocument): checked against the central directory before anything is inflated. */
export const ZIP_LIMITS = {
  maxEntries: 20_000,
  /** One XML part; a real deck's slide is kilobytes, a novel-length document.xml a few megabytes. */
  maxEntryBytes: 64 * 1024 * 1024,
  /** All parts read from one file together. */
  maxTotalBytes: 256 * 1024 * 1024,
  /** The embedded thumbnail image. */
  maxThumbnailBytes: 16 * 1024 * 1024,
};

/** PDFs are copied whole into the PDF engine's 2 GB WebAssembly heap; past this size we do not try. */
export const MAX_PDF_BYTES = 256 * 1024 * 1024;

/** Text is extracted from at most this many pages (the page count itself is always exact). */
export const MAX_TEXT_PAGES = 2_000;

/** Plain text and CSV read for search at most this far. */
export const MAX_PLAIN_TEXT_BYTES = 16 * 1024 * 1024;
