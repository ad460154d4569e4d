import fs from 'node:fs/promises';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { Unreadable } from '../../errors.ts';
import { MAX_INPUT_PIXELS, PREVIEW_BOX } from '../limits.ts';
import { perceptualHash } from '../phash.ts';
import { emptyAnalysis, type Analysis } from './analysis.ts';
import { writePreview, writeThumbnail, writeThumbnailOnly } from './raster.ts';
import { sanitiseSvg, UnreadableSvg } from './svg.ts';

const MP = 1_000_000;

/** SVG: sanitised text rendered at a density that fits the preview box (tiny icons get sharper, huge canvases smaller). */
async function svgInput(file: string): Promise<{ input: Buffer; options: SharpOptions; width?: number; height?: number }> {
  const source = await fs.readFile(file, 'utf8');
  let input: Buffer;
  let meta: Metadata;
  try {
    input = Buffer.from(sanitiseSvg(source));
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    const why = error instanceof UnreadableSvg ? `malformed XML: ${error.message}` : 'malformed XML, or it relies on entities we do not expand';
    throw new Unreadable(`the SVG could not be read (${why})`, 'CORRUPT_FILE');
  }
  const longest = Math.max(meta.width ?? 0, meta.height ?? 0);
  const scale = longest > 0 ? Math.min(PREVIEW_BOX / longest, 10) : 1;
  return { input, options: { density: Math.max(1, Math.min(72 * scale, 100_000)) }, width: meta.width, height: meta.height };
}

async function source(file: string, mimeType: string) {
  return mimeType === 'image/svg+xml' ? svgInput(file) : { input: file, options: {} as SharpOptions, width: undefined, height: undefined };
}

/** Dimensions, thumbnail and perceptual hash of an image; pixel floods are refused from the header alone. */
export async function analyseImage(file: string, mimeType: string, thumbFile: string, hashImage = true): Promise<Analysis> {
  const { input, options, width: svgWidth, height: svgHeight } = await source(file, mimeType);
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false, ...options }).metadata();
  } catch (error) {
    throw unreadableImage(error, mimeType);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new Unreadable(`the image is ${width} × ${height} pixels (${Math.round((width * height) / MP)} megapixels); we make previews of images up to ${MAX_INPUT_PIXELS / MP} megapixels`, 'PIXEL_LIMIT');
  }
  let pixels;
  try {
    if (hashImage) pixels = await writeThumbnail(input, thumbFile, options);
    else await writeThumbnailOnly(input, thumbFile, options);
  } catch (error) {
    throw unreadableImage(error, mimeType);
  }
  const upright = (meta.orientation ?? 1) >= 5;
  const result = emptyAnalysis('image');
  result.thumbnail = 'image';
  result.width = svgWidth ?? (upright ? height : width);
  result.height = svgHeight ?? (upright ? width : height);
  result.phash = pixels ? perceptualHash(pixels) : null;
  result.meta = { format: meta.format, ...(meta.hasAlpha ? { alpha: true } : {}), ...((meta.pages ?? 1) > 1 ? { frames: meta.pages } : {}) };
  // A multi-page TIFF is a document: each page gets its own preview.
  if (meta.format === 'tiff' && (meta.pages ?? 1) > 1) result.pages = meta.pages!;
  return result;
}

/** The preview of an image (page N of a multi-page TIFF). */
export async function renderImagePreview(file: string, mimeType: string, page: number, outFile: string) {
  const { input, options } = await source(file, mimeType);
  try {
    return await writePreview(input, outFile, page > 1 ? { ...options, page: page - 1 } : options);
  } catch (error) {
    throw unreadableImage(error, mimeType);
  }
}

function unreadableImage(error: unknown, mimeType: string): Unreadable {
  if (error instanceof Unreadable) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return new Unreadable(`the image has more than ${MAX_INPUT_PIXELS / MP} megapixels; we do not decode images that large`, 'PIXEL_LIMIT');
  if (/heif|hevc|codec|unsupported/i.test(message) && /heic|heif/.test(mimeType)) {
    return new Unreadable('this HEIC photo uses a codec this server cannot decode; upload a JPEG or PNG to get a preview', 'UNSUPPORTED_CODEC');
  }
  return new Unreadable(`the image is damaged or in a form we cannot read (${message.split('\n')[0]!.slice(0, 160)})`, 'CORRUPT_FILE');
}
