import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanStorage } from '../../server/storage/integrity.ts';
import { useTestApp } from '../support/app.ts';
import { upload } from '../support/assets.ts';
import { png } from '../support/files.ts';

const t = useTestApp({ signIn: ['marketing'] });

describe('storage integrity scan', () => {
  it('reports missing, untracked and corrupt blobs, and removes untracked ones with fix', async () => {
    const { db } = t.app.services.database;
    const blobs = t.app.services.blobs;
    const healthy = (await upload(t, t.marketing, {}, { name: 'a.png', content: await png(20, 20, { r: 1, g: 1, b: 1 }) })).json().version.sha256;
    const lost = (await upload(t, t.marketing, {}, { name: 'b.png', content: await png(21, 21, { r: 2, g: 2, b: 2 }) })).json().version.sha256;
    const damaged = (await upload(t, t.marketing, {}, { name: 'c.png', content: await png(22, 22, { r: 3, g: 3, b: 3 }) })).json().version.sha256;
    fs.rmSync(blobs.pathOf(lost));
    fs.appendFileSync(blobs.pathOf(damaged), 'bit rot');
    // A file left by a crash after the rename but before the commit.
    const orphan = 'f'.repeat(64);
    fs.mkdirSync(blobs.pathOf(orphan).replace(/\/[^/]+$/, ''), { recursive: true });
    fs.writeFileSync(blobs.pathOf(orphan), 'orphan');

    const report = await scanStorage(db, blobs, { verify: true, graceMs: 0 });
    expect(report.missing).toEqual([lost]);
    expect(report.untracked).toEqual([orphan]);
    expect(report.corrupt).toEqual([damaged]);
    expect(report.corrupt).not.toContain(healthy);

    await scanStorage(db, blobs, { removeUntracked: true, graceMs: 0 });
    expect(await blobs.exists(orphan)).toBe(false);
    expect(await blobs.exists(healthy)).toBe(true);
  });

  it('leaves young untracked files alone: they may be an upload committing right now', async () => {
    const young = 'e'.repeat(64);
    const blobs = t.app.services.blobs;
    fs.mkdirSync(blobs.pathOf(young).replace(/\/[^/]+$/, ''), { recursive: true });
    fs.writeFileSync(blobs.pathOf(young), 'in flight');
    const report = await scanStorage(t.app.services.database.db, blobs, { removeUntracked: true });
    expect(report.untracked).not.toContain(young);
    expect(await blobs.exists(young)).toBe(true);
  });
});
