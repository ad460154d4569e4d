import sharp, { type SharpOptions } from 'sharp';
import { MAX_INPUT_PIXELS, THUMBNAIL_MAX_HEIGHT, THUMBNAIL_WIDTH } from './limits.ts';

/** Images whose hashes differ in at most this many of 64 bits look the same (re-encoded, resized, recompressed). */
export const VISUALLY_IDENTICAL_BITS = 4;

const SIZE = 32;
const KEPT = 8;
const COSINES = Array.from({ length: KEPT }, (_, u) => Float64Array.from({ length: SIZE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE))));

export interface RawImage { data: Buffer; info: { width: number; height: number; channels: 1 | 2 | 3 | 4 } }

/** Area-averaged 32×32 grey of decoded pixels, transparent parts seen on white. Plain arithmetic: cheaper than another image pipeline. */
function greyThumbnail({ data, info: { width, height, channels } }: RawImage): Float64Array {
  const grey = new Float64Array(SIZE * SIZE);
  const colour = channels >= 3;
  const alpha = channels === 2 || channels === 4;
  for (let ty = 0; ty < SIZE; ty++) {
    const y0 = Math.floor((ty * height) / SIZE);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / SIZE));
    for (let tx = 0; tx < SIZE; tx++) {
      const x0 = Math.floor((tx * width) / SIZE);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / SIZE));
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0, i = (y * width + x0) * channels; x < x1; x++, i += channels) {
          const luma = colour ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! : data[i]!;
          const a = alpha ? data[i + channels - 1]! / 255 : 1;
          sum += luma * a + 255 * (1 - a);
        }
      }
      grey[ty * SIZE + tx] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return grey;
}

/**
 * The perceptual hash (pHash) of decoded pixels: 32×32 grey, discrete cosine transform, the 8×8 lowest
 * frequencies against their median, as 16 hex digits. Nearly flat images have no shape to compare and get none.
 */
export function perceptualHash(image: RawImage): string | null {
  const grey = greyThumbnail(image);
  let sum = 0;
  let squares = 0;
  for (const value of grey) {
    sum += value;
    squares += value * value;
  }
  const mean = sum / grey.length;
  if (Math.sqrt(Math.max(0, squares / grey.length - mean * mean)) < 2) return null;
  const coefficients: number[] = [];
  for (let u = 0; u < KEPT; u++) {
    for (let v = 0; v < KEPT; v++) {
      let total = 0;
      for (let y = 0; y < SIZE; y++) {
        const cy = COSINES[v]![y]!;
        for (let x = 0; x < SIZE; x++) total += grey[y * SIZE + x]! * COSINES[u]![x]! * cy;
      }
      coefficients.push(total);
    }
  }
  // The DC term is overall brightness, not shape.
  const ac = coefficients.slice(1);
  const median = [...ac].sort((a, b) => a - b)[Math.floor(ac.length / 2)]!;
  let bits = 0n;
  for (const c of coefficients) bits = (bits << 1n) | (c > median ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}

/** Decodes an image to thumbnail-sized pixels, upright, refusing pixel floods before decoding. */
export async function thumbnailPixels(input: string | Buffer, options: SharpOptions = {}): Promise<RawImage> {
  const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', ...options })
    .rotate()
    .resize({ width: THUMBNAIL_WIDTH, height: THUMBNAIL_MAX_HEIGHT, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

/**
 * The perceptual hash of an uploaded raster image, computed at upload to warn of visual duplicates.
 * Null when the image cannot be read or is too large to decode at upload; the background job tries again.
 */
export async function imageFingerprint(file: string, width?: number, height?: number): Promise<string | null> {
  // Big images are left to the background worker; the upload answers quickly.
  if (!width || !height || width * height > 40_000_000) return null;
  try {
    return perceptualHash(await thumbnailPixels(file));
  } catch {
    return null;
  }
}
