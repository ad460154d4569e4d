// npm run demo: fills an empty instance with demo people, a library of a few dozen assets across every persona and
// stage, 90 days of use and searches, and share links with their visits and pitch kits (demo-shares.ts), so a newcomer sees the product and its usage reports alive at once.
// The people and assets go through the same services as the API (nothing bypasses the upload checks or the workflow;
// files, blobs and processing jobs are real); only the backdated history (dates of the workflow, events, searches)
// is written straight in, since the services only ever write "now". With a server running on the embedded database,
// the server runs it, so the library is searchable the moment it is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import type { CurrentUser } from '../auth/roles.ts';
import { assets as assetsTable, assetVersions, auditLog } from '../db/schema.ts';
import type { Services } from '../services.ts';
import { defineCommand, UsageError } from './command.ts';
import { docxDocument, pdfDocument, pngPicture, pptxDeck, type DocumentContent } from './demo-content.ts';
import { generateHistory, insertHistory, seededRandom, type HistoryPerson, type MadeAsset } from './demo-history.ts';
import { addDemoFieldVoice } from './demo-field.ts';
import { addDemoShares } from './demo-shares.ts';
import { DEMO_PASSWORD, LIBRARY, PEOPLE, type DemoAsset } from './demo-library.ts';

const DAY_MS = 86_400_000;
/** When the archived assets were retired. */
const RETIRED_DAYS_AGO = 100;
/** The same seed, the same history: demos, screenshots and tests look alike. */
const HISTORY_SEED = 16;
const UPLOADS_AT_ONCE = 4;

async function fileOf(entry: DemoAsset, index: number): Promise<Buffer> {
  const hue = (index * 47 + 200) % 360;
  if (entry.format === 'png') {
    const picture = entry.picture ?? { style: 'banner', subtitle: entry.description };
    return pngPicture({ ...picture, title: picture.headline ?? entry.title, hue });
  }
  const content: DocumentContent = { title: entry.title, subtitle: entry.description, sections: entry.sections ?? [], hue };
  if (entry.format === 'pdf') return pdfDocument(content);
  if (entry.format === 'pptx') return pptxDeck(content);
  return docxDocument(content);
}

const fileNameOf = (entry: DemoAsset) =>
  `${entry.title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').toLowerCase()}.${entry.format}`;

/** Uploads one catalogue entry and takes it through the workflow to its state; returns its id. */
async function makeAsset({ assets, blobs, config }: Services, entry: DemoAsset, file: string, people: Map<string, CurrentUser>, now: Date): Promise<string> {
  const owner = people.get(entry.owner ?? PEOPLE[0]!.email)!;
  const approver = [...people.values()].find((p) => p.role === 'approver')!;
  const received = await blobs.receive(fs.createReadStream(file), config.maxUploadBytes, () => new Error(`${file} is larger than MAX_UPLOAD_BYTES`));
  const asset = await assets.create(owner, {
    title: entry.title, description: entry.description, personas: entry.personas, stages: entry.stages,
    industries: entry.industries ?? [], tags: entry.tags, language: entry.language ?? 'en',
    expiresAt: entry.expiresInDays ? new Date(now.getTime() + entry.expiresInDays * DAY_MS).toISOString() : null,
  }, { received, fileName: fileNameOf(entry) });
  if (entry.state === 'draft') return asset.id;
  await assets.submit(owner, asset.id);
  if (entry.state === 'in_review') return asset.id;
  await assets.approve(approver, asset.id, 'Approved for the sales library');
  if (entry.state === 'archived') await assets.archive(approver, asset.id, 'Replaced by the 2026 trends report');
  return asset.id;
}

/** Moves an asset's workflow into the past: uploaded, submitted, approved (and retired) on the days its entry says. */
async function backdate(services: Services, made: { entry: DemoAsset; id: string }[], now: Date): Promise<MadeAsset[]> {
  const { db } = services.database;
  const ago = (days: number, hour = 10) => new Date(Math.floor(now.getTime() / DAY_MS - days) * DAY_MS + hour * 3_600_000);
  const result: MadeAsset[] = [];
  const versions = new Map((await db.select({ id: assetsTable.id, approved: assetsTable.approvedVersionId }).from(assetsTable)
    .where(inArray(assetsTable.id, made.map((m) => m.id)))).map((row) => [row.id, row.approved]));
  await db.transaction(async (tx) => {
    for (const { entry, id } of made) {
      const everApproved = entry.state === 'approved' || entry.state === 'archived';
      // Live assets were uploaded a week before approval and submitted two days before it; the rest are recent work.
      const created = everApproved ? ago(entry.ageDays + 7, 9) : ago(entry.ageDays, 9);
      const submitted = everApproved ? ago(entry.ageDays + 2, 15) : ago(Math.max(0, entry.ageDays - 1), 15);
      const approved = everApproved ? ago(entry.ageDays, 11) : null;
      const retired = entry.state === 'archived' ? ago(RETIRED_DAYS_AGO, 16) : null;
      const lastChange = retired ?? approved ?? (entry.state === 'in_review' ? submitted : created);
      await tx.update(assetsTable).set({ createdAt: created, updatedAt: lastChange, ...(approved ? { approvedAt: approved } : {}) }).where(eq(assetsTable.id, id));
      await tx.update(assetVersions).set({ createdAt: created }).where(eq(assetVersions.assetId, id));
      await tx.update(auditLog).set({
        at: sql`case ${auditLog.action} when 'created' then ${created.toISOString()}::timestamptz when 'submitted' then ${submitted.toISOString()}::timestamptz
          when 'approved' then ${(approved ?? now).toISOString()}::timestamptz when 'archived' then ${(retired ?? now).toISOString()}::timestamptz else ${auditLog.at} end`,
      }).where(eq(auditLog.assetId, id));
      result.push({ entry, id, versionId: versions.get(id) ?? null, liveFrom: approved, liveUntil: retired });
    }
  });
  return result;
}

export default defineCommand({
  usage: 'usage: npm run demo   (adds demo people, a library of about 40 assets and 90 days of use; does nothing when they are there already)',

  parse(argv) {
    if (argv.length) throw new UsageError(`npm run demo takes no arguments, got ${argv.join(' ')}`);
    return {};
  },

  async run({ services, out, host }) {
    const { auth, search } = services;
    if (await auth.findUserByEmail(PEOPLE[0]!.email)) {
      out.print('the demo data is already here; sign in as one of:');
    } else {
      const started = Date.now();
      const now = new Date();
      const people = new Map<string, CurrentUser>();
      for (const person of PEOPLE) {
        people.set(person.email, await auth.createUser({ email: person.email, name: person.name, role: person.role, password: DEMO_PASSWORD }));
        out.progress(`added ${people.size}/${PEOPLE.length} people`);
      }
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-demo-'));
      const made: { entry: DemoAsset; id: string }[] = [];
      try {
        // A few uploads at a time: each waits mostly on fsync (the blob store's durability), and those waits overlap.
        // The first failure stops the others before the temp directory goes; it is the one reported.
        let next = 0;
        let failed = false;
        const uploader = async () => {
          while (!failed && next < LIBRARY.length) {
            const i = next++;
            const entry = LIBRARY[i]!;
            try {
              const file = path.join(tmp, `${i}-${fileNameOf(entry)}`);
              fs.writeFileSync(file, await fileOf(entry, i));
              made[i] = { entry, id: await makeAsset(services, entry, file, people, now) };
            } catch (error) {
              failed = true;
              throw error;
            }
            out.progress(`created ${made.filter(Boolean).length}/${LIBRARY.length} assets`);
          }
        };
        const outcomes = await Promise.allSettled(Array.from({ length: UPLOADS_AT_ONCE }, uploader));
        const failure = outcomes.find((o) => o.status === 'rejected');
        if (failure) throw failure.reason;
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }

      const library = await backdate(services, made, now);
      const historyPeople: HistoryPerson[] = PEOPLE.map((p) => ({ id: people.get(p.email)!.id, role: p.role, activity: p.activity ?? 1 }));
      const history = generateHistory(library, historyPeople, now, seededRandom(HISTORY_SEED));
      await insertHistory(services.database.db, history, (line) => out.progress(line));
      const shared = await addDemoShares(services, library, people, now);
      const field = await addDemoFieldVoice(services, library, people, now);
      // The search index ranks by freshness and use: it learns of the new dates now, and of the use at its next refresh.
      for (const { id } of library) await search.assetChanged(id);
      if (host === 'server') await search.refreshUsage();

      const live = library.filter((a) => a.liveFrom && !a.liveUntil).length;
      out.print(`demo data created in ${((Date.now() - started) / 1000).toFixed(1)} s: ${PEOPLE.length} people, ${library.length} assets (${live} live), `
        + `${history.events.length} usage events and ${history.searches.length} searches over 90 days, ${shared.links} share links and ${shared.kits} pitch kits, `
        + `${field.feedback} pieces of feedback, ${field.requests} content requests and ${field.deals} CRM deals; `
        + 'sign in as one of:');
    }
    for (const person of PEOPLE) out.print(`  ${person.email.padEnd(20)} ${DEMO_PASSWORD}   (${person.role})`);
    return 0;
  },
});
