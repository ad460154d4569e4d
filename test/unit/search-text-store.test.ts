import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TextStore } from '../../server/search/text-store.ts';

describe('text store', () => {
  let directory: string;
  const stores: TextStore[] = [];
  const store = () => {
    const made = new TextStore(directory);
    stores.push(made);
    return made;
  };
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-text-store-'));
  });
  afterEach(async () => {
    for (const made of stores.splice(0)) await made.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('gives back the start of each text, whole when it fits, never half a character', async () => {
    const texts = store();
    await texts.append([
      { versionId: 'a', stamp: '1', text: 'Étude de cas: 42 % plus rapide' },
      { versionId: 'b', stamp: '1', text: new TextEncoder().encode('bytes as PostgreSQL sends them') },
    ]);
    const read = texts.read(['a', 'b', 'unknown'], 1_000);
    expect(read.get('a')).toEqual({ text: 'Étude de cas: 42 % plus rapide', whole: true });
    expect(read.get('b')).toEqual({ text: 'bytes as PostgreSQL sends them', whole: true });
    expect(read.has('unknown')).toBe(false);
    // "É" is two bytes: one byte in, the start is empty rather than a broken character.
    expect((texts.read(['a'], 1)).get('a')).toEqual({ text: '', whole: false });
    expect((texts.read(['a'], 7)).get('a')).toEqual({ text: 'Étude ', whole: false });
  });

  it('stores a boot build\'s batch of hundreds of texts in one go', async () => {
    const texts = store();
    const many = Array.from({ length: 600 }, (_, i) => ({ versionId: `v${i}`, stamp: '1', text: `text number ${i} ${'é'.repeat(i % 7)}` }));
    await texts.append(many);
    expect(texts.size).toBe(600);
    const read = texts.read(['v0', 'v255', 'v256', 'v599'], 100);
    for (const id of ['v0', 'v255', 'v256', 'v599']) expect(read.get(id)?.text).toBe(many[Number(id.slice(1))]!.text);
  });

  it('replaces a version\'s text when its stamp changes, and knows which it holds', async () => {
    const texts = store();
    await texts.append([{ versionId: 'a', stamp: '1', text: 'first extraction' }]);
    expect(texts.has('a', '1')).toBe(true);
    expect(texts.has('a', '2')).toBe(false);
    await texts.append([{ versionId: 'a', stamp: '2', text: 'second extraction' }]);
    expect((texts.read(['a'], 100)).get('a')?.text).toBe('second extraction');
    texts.retain((versionId) => versionId !== 'a');
    expect(texts.size).toBe(0);
  });

  it('hands its texts to the next process through a snapshot, skipping files that went missing or were cut', async () => {
    const first = store();
    await first.append([{ versionId: 'a', stamp: '1', text: 'kept across a restart' }]);
    const saved = await first.saved();
    const second = store();
    await second.restore(saved);
    await second.prewarm();
    expect((second.read(['a'], 100)).get('a')).toEqual({ text: 'kept across a restart', whole: true });
    // The next process appends to a file of its own; both are read.
    await second.append([{ versionId: 'b', stamp: '1', text: 'written after the restart' }]);
    const both = await second.saved();
    expect(both.files).toHaveLength(2);

    const [original] = saved.files;
    fs.truncateSync(path.join(directory, original!), 5);
    const third = store();
    await third.restore(both);
    expect([...(third.read(['a', 'b'], 100)).keys()]).toEqual(['b']);
    fs.rmSync(path.join(directory, both.files[1]!));
    const fourth = store();
    await fourth.restore(both);
    expect(fourth.size).toBe(0);
    // A name from a snapshot never reaches outside the directory.
    const fifth = store();
    await fifth.restore({ ...both, files: ['../../etc/passwd', '../x'] });
    expect(fifth.size).toBe(0);
  });

  it('moves the few live texts out of an earlier process\'s file that holds mostly replaced ones, so it can go', async () => {
    const first = store();
    const texts = Array.from({ length: 10 }, (_, i) => ({ versionId: `v${i}`, stamp: '1', text: `text ${i} `.repeat(100) }));
    await first.append(texts);
    const saved = await first.saved();
    const second = new TextStore(directory, 1_000);
    stores.push(second);
    await second.restore(saved);
    // Still mostly live: nothing to move.
    await second.append([{ versionId: 'v0', stamp: '2', text: 'replaced' }]);
    expect(second.sparseTexts()).toEqual([]);
    // Replaced or gone for more than half of its bytes: the rest moves to the new process's file.
    await second.append(texts.slice(1, 5).map((t) => ({ ...t, stamp: '2', text: 'replaced' })));
    second.retain((versionId) => versionId !== 'v5');
    expect(second.sparseTexts().sort()).toEqual(['v6', 'v7', 'v8', 'v9']);
    await second.move(second.sparseTexts());
    expect(second.sparseTexts()).toEqual([]);
    const after = await second.saved();
    // Only this process's file is named now; the old one is left to the orphan clean-up.
    expect(after.files).toHaveLength(1);
    expect(after.files).not.toContain(saved.files[0]);
    expect(second.read(['v0', 'v1', 'v6', 'v9'], 10_000)).toEqual(new Map([
      ['v0', { text: 'replaced', whole: true }], ['v1', { text: 'replaced', whole: true }],
      ['v6', { text: texts[6]!.text, whole: true }], ['v9', { text: texts[9]!.text, whole: true }],
    ]));
    expect(second.has('v6', '1')).toBe(true);
    // The next process takes over only the new file, and has every text.
    const third = store();
    await third.restore(after);
    expect(third.size).toBe(9);
    expect(third.read(['v7'], 10_000).get('v7')).toEqual({ text: texts[7]!.text, whole: true });
  });

  it('deletes the files of processes long gone, not the ones a snapshot names or that are still written', async () => {
    const texts = store();
    await texts.append([{ versionId: 'a', stamp: '1', text: 'in use' }]);
    const [own] = (await texts.saved()).files;
    for (const name of ['texts-gone.bin', 'texts-named.bin', 'texts-recent.bin', 'other.bin']) fs.writeFileSync(path.join(directory, name), 'x');
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    for (const name of ['texts-gone.bin', 'texts-named.bin', 'other.bin', own!]) fs.utimesSync(path.join(directory, name), dayAgo, dayAgo);
    await texts.removeOrphans(new Set(['texts-named.bin']));
    expect(fs.readdirSync(directory).sort()).toEqual([own!, 'other.bin', 'texts-named.bin', 'texts-recent.bin'].sort());
  });
});
