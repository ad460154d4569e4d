import sharp, { type SharpOptions } from 'sharp';
import { writeFileAtomic } from '../files.ts';
import { MAX_INPUT_PIXELS, PREVIEW_BOX, THUMBNAIL_MAX_HEIGHT, THUMBNAIL_WIDTH } from '../limits.ts';
import { thumbnailPixels, type RawImage } from '../phash.ts';

export const WEBP = { quality: 80, effort: 2 } as const;

/** Encodes thumbnail pixels to thumb.webp. */
export async function writeWebpPixels(image: RawImage, outFile: string): Promise<void> {
  await writeFileAtomic(outFile, await sharp(image.data, { raw: image.info }).webp(WEBP).toBuffer());
}

/** A ~320 px WebP of any image sharp reads, written atomically; returns the pixels for hashing. */
export async function writeThumbnail(input: string | Buffer, outFile: string, options: SharpOptions = {}): Promise<RawImage> {
  const pixels = await thumbnailPixels(input, options);
  await writeWebpPixels(pixels, outFile);
  return pixels;
}

/** The same thumbnail in one pipeline, straight to WebP, when nobody needs the pixels. */
export async function writeThumbnailOnly(input: string | Buffer, outFile: string, options: SharpOptions = {}): Promise<void> {
  await writeFileAtomic(outFile, await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', ...options })
    .rotate().resize({ width: THUMBNAIL_WIDTH, height: THUMBNAIL_MAX_HEIGHT, fit: 'inside', withoutEnlargement: true }).webp(WEBP).toBuffer());
}

/** A WebP fitting the preview box, upright; `page` picks a page of a multi-page TIFF. */
export async function writePreview(input: string | Buffer, outFile: string, options: SharpOptions = {}): Promise<{ width: number; height: number }> {
  const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', ...options })
    .rotate()
    .resize({ width: PREVIEW_BOX, height: PREVIEW_BOX, fit: 'inside', withoutEnlargement: true })
    .webp(WEBP)
    .toBuffer({ resolveWithObject: true });
  await writeFileAtomic(outFile, data);
  return { width: info.width, height: info.height };
}
