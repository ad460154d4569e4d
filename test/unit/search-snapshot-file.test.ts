import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSnapshot, removeStaleTemporaries, writeSnapshot, type SnapshotData } from '../../server/search/snapshot-file.ts';

const data = (): SnapshotData => ({
  meta: { docs: 3, label: 'é' },
  arrays: { flags: new Uint8Array([1, 0, 5]), pages: [new Uint8Array(1000).fill(7), new Uint8Array(13)], scores: new Float64Array([0.5, -1]), empty: new Int32Array(0) },
  lines: { words: ['étude', '', 'roi'], none: [], blank: [''] },
});

describe('snapshot file', () => {
  let directory: string;
  let file: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-snapshot-file-'));
    file = path.join(directory, 'search', 'index.snapshot');
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('reads back exactly what was written', async () => {
    await writeSnapshot(file, data());
    expect(await readSnapshot(file)).toEqual(data());
    expect(fs.readdirSync(path.dirname(file))).toEqual(['index.snapshot']);
  });

  it('reads nothing from a missing, cut, altered or foreign file', async () => {
    expect(await readSnapshot(file)).toBeNull();
    await writeSnapshot(file, data());
    const good = fs.readFileSync(file);
    const variants = [
      good.subarray(0, good.length - 1),
      good.subarray(0, 40),
      Buffer.concat([good, Buffer.from([0])]),
      Buffer.from('not a snapshot at all'),
      Buffer.alloc(0),
    ];
    for (let at = 0; at < good.length; at += 97) {
      const altered = Buffer.from(good);
      altered[at] ^= 0x20;
      variants.push(altered);
    }
    for (const bytes of variants) {
      fs.writeFileSync(file, bytes);
      expect(await readSnapshot(file)).toBeNull();
    }
  });

  it('keeps the previous snapshot when writing a new one fails half-way', async () => {
    await writeSnapshot(file, data());
    await expect(writeSnapshot(file, { ...data(), lines: { words: ['two\nlines'] } })).rejects.toThrow(/line break/);
    expect(await readSnapshot(file)).toEqual(data());
    expect(fs.readdirSync(path.dirname(file))).toEqual(['index.snapshot']);
  });

  it('clears temporary files a writer that died left behind, not a live writer\'s', async () => {
    await writeSnapshot(file, data());
    const stale = `${file}.dead.tmp`;
    const live = `${file}.live.tmp`;
    fs.writeFileSync(stale, 'half');
    fs.writeFileSync(live, 'half');
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(stale, hoursAgo, hoursAgo);
    await removeStaleTemporaries(file);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['index.snapshot', 'index.snapshot.live.tmp']);
  });
});
