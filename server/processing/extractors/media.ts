import fs from 'node:fs/promises';

// Duration without ffmpeg, for the two containers whose headers state it plainly: ISO media (MP4, MOV, M4A) and WAV.

/** Seconds of media, or null when the container is another or the header does not say. */
export async function mediaDuration(file: string, mimeType: string): Promise<number | null> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (/mp4|quicktime|m4v|m4a|x-m4a/.test(mimeType)) return await isoMediaDuration(handle, size);
    if (/wav/.test(mimeType)) return await wavDuration(handle, size);
    return null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

async function read(handle: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Walks top-level boxes to moov, then reads mvhd's timescale and duration. */
async function isoMediaDuration(handle: fs.FileHandle, size: number): Promise<number | null> {
  let position = 0;
  for (let boxes = 0; position + 8 <= size && boxes < 1000; boxes++) {
    const header = await read(handle, position, 16);
    let boxSize = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (boxSize === 1) {
      boxSize = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (boxSize === 0) {
      boxSize = size - position;
    }
    if (boxSize < headerSize) return null;
    if (type === 'moov') {
      const moov = await read(handle, position + headerSize, Math.min(boxSize - headerSize, 64 * 1024 * 1024));
      return mvhdDuration(moov);
    }
    position += boxSize;
  }
  return null;
}

function mvhdDuration(moov: Buffer): number | null {
  for (let offset = 0; offset + 8 <= moov.length;) {
    const boxSize = moov.readUInt32BE(offset);
    if (moov.toString('latin1', offset + 4, offset + 8) === 'mvhd') {
      const body = offset + 8;
      const version = moov[body];
      const timescale = version === 1 ? moov.readUInt32BE(body + 20) : moov.readUInt32BE(body + 12);
      const duration = version === 1 ? Number(moov.readBigUInt64BE(body + 24)) : moov.readUInt32BE(body + 16);
      return timescale > 0 ? Math.round((duration / timescale) * 1000) / 1000 : null;
    }
    if (boxSize < 8) return null;
    offset += boxSize;
  }
  return null;
}

/** RIFF/WAVE: data bytes divided by the byte rate from the fmt chunk. */
async function wavDuration(handle: fs.FileHandle, size: number): Promise<number | null> {
  const riff = await read(handle, 0, 12);
  if (riff.toString('latin1', 0, 4) !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WAVE') return null;
  let byteRate = 0;
  for (let position = 12, chunks = 0; position + 8 <= size && chunks < 1000; chunks++) {
    const header = await read(handle, position, 20);
    if (header.length < 8) return null;
    const id = header.toString('latin1', 0, 4);
    const chunkSize = header.readUInt32LE(4);
    // fmt: format (2), channels (2), sample rate (4), then the byte rate.
    if (id === 'fmt ' && header.length >= 20) byteRate = header.readUInt32LE(16);
    if (id === 'data') return byteRate > 0 ? Math.round((Math.min(chunkSize, size - position - 8) / byteRate) * 1000) / 1000 : null;
    position += 8 + chunkSize + (chunkSize % 2);
  }
  return null;
}
