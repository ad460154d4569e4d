// The demo's share links and pitch kits: sales have sent a few links to prospects over the last weeks, most were
// read (page by page, one forwarded, one only looked at by a mail scanner), one is still unopened; and two kits are
// ready to send. Links and kits go through the services (tokens, checks, the sender's use); the visits, which only
// ever happen "now", are written straight in with their past dates, as the history is.
import type { CurrentUser } from '../auth/roles.ts';
import { shares, shareVisitPages, shareVisits, usageEvents } from '../db/schema.ts';
import type { Services } from '../services.ts';
import { fingerprint } from '../sharing/tokens.ts';
import { eq } from 'drizzle-orm';
import type { MadeAsset } from './demo-history.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const CHROME_MAC = 'Chrome on macOS';

interface DemoLink {
  sender: string;
  recipient: string;
  opportunity?: string;
  /** Which live assets: those tagged with this persona, and this stage when given. */
  persona: string;
  stage?: string;
  daysAgo: number;
  /** The people who read it: device, days after sending, seconds per page of each asset, and whether forwarded. */
  reads: { device: string; after: number; seconds: number[]; forwarded?: boolean }[];
  scanned?: boolean;
}

const LINKS: DemoLink[] = [
  { sender: 'priya@demo.local', recipient: 'Dana Ortiz, Acme Corp', opportunity: 'OPP-1042', persona: 'cfo', stage: 'evaluation', daysAgo: 12, scanned: true,
    reads: [{ device: CHROME_MAC, after: 0.2, seconds: [95, 140, 60] }, { device: 'Safari on iOS (phone)', after: 2, seconds: [40, 25] }, { device: 'Edge on Windows', after: 3, seconds: [120, 80, 45], forwarded: true }] },
  { sender: 'priya@demo.local', recipient: 'Lee Park, Globex', opportunity: 'OPP-1077', persona: 'cio', daysAgo: 6,
    reads: [{ device: 'Firefox on Windows', after: 1, seconds: [30, 15] }] },
  { sender: 'sam@demo.local', recipient: 'Ana Souza <ana.souza@initech.example>', persona: 'head-of-sales', daysAgo: 4, scanned: true,
    reads: [{ device: CHROME_MAC, after: 0.5, seconds: [70, 55, 35] }] },
  { sender: 'jordan@demo.local', recipient: 'Procurement team, Umbrella', opportunity: 'OPP-1101', persona: 'procurement', daysAgo: 2, reads: [] },
];

/** Adds the links, their visits and two kits; returns how many links and kits. */
export async function addDemoShares(services: Services, library: MadeAsset[], people: Map<string, CurrentUser>, now: Date): Promise<{ links: number; kits: number }> {
  const { db } = services.database;
  const live = library.filter((a) => a.liveFrom && !a.liveUntil);
  // Links carry assets sales use anyway (the most used first), so the unused majority stays unused.
  const used = live.filter((a) => (a.entry.uses ?? 0) > 0).sort((a, b) => (b.entry.uses ?? 0) - (a.entry.uses ?? 0));
  const tagged = (persona: string, stage?: string) => {
    const exact = used.filter((a) => a.entry.personas.includes(persona) && (!stage || a.entry.stages.includes(stage)));
    return exact.length ? exact : used.filter((a) => a.entry.personas.includes(persona)).concat(used).slice(0, 3);
  };
  let links = 0;
  for (const link of LINKS) {
    const sender = people.get(link.sender)!;
    const picked = tagged(link.persona, link.stage).slice(0, 3);
    if (picked.length === 0) continue;
    const created = await services.sharing.create(sender, {
      assetIds: picked.map((a) => a.id), recipient: link.recipient, allowDownload: true, ...(link.opportunity && { opportunity: link.opportunity }),
    });
    const sentAt = new Date(now.getTime() - link.daysAgo * DAY_MS);
    await db.update(shares).set({ createdAt: sentAt }).where(eq(shares.id, created.id));
    links++;
    if (link.scanned) {
      await db.insert(shareVisits).values({
        shareId: created.id, startedAt: new Date(sentAt.getTime() + 4_000), lastSeenAt: new Date(sentAt.getTime() + 4_000), device: 'Mimecast URL protect',
        deviceKey: fingerprint('scanner'), addressKey: fingerprint('203.0.113.250'), botReason: 'opened 4 s after the link was made (a mail scanner?)',
      });
    }
    for (const [n, read] of link.reads.entries()) {
      const startedAt = new Date(sentAt.getTime() + read.after * DAY_MS);
      const total = read.seconds.reduce((a, b) => a + b, 0);
      const [visit] = await db.insert(shareVisits).values({
        shareId: created.id, startedAt, lastSeenAt: new Date(startedAt.getTime() + total * 1000), device: read.device,
        deviceKey: fingerprint(read.device), addressKey: fingerprint(`198.51.100.${read.forwarded ? 90 : 10}`),
        confirmed: true, interacted: true, forwarded: read.forwarded ?? false, downloads: n === 0 ? 1 : 0,
      }).returning({ id: shareVisits.id });
      // The first asset page by page, the others a page each.
      const pages = read.seconds.map((seconds, i) => ({ asset: picked[Math.min(i, picked.length - 1)]!, page: i < 2 ? i + 1 : 1, seconds }));
      const seen = new Set<string>();
      for (const { asset, page, seconds } of pages) {
        const key = `${asset.id}:${page}`;
        if (seen.has(key)) continue;
        seen.add(key);
        await db.insert(shareVisitPages).values({ visitId: visit!.id, assetId: asset.id, page, versionId: asset.versionId, activeMs: seconds * 1000, lastAt: startedAt });
      }
      // What prospects open counts in the reports, by nobody in particular.
      for (const asset of new Set(pages.map((p) => p.asset))) {
        await db.insert(usageEvents).values({ assetId: asset.id, versionId: asset.versionId, userId: null, kind: 'view', counted: true, at: new Date(startedAt.getTime() + MINUTE_MS) });
      }
      if (n === 0) {
        await services.notifications.notify(sender.id, {
          kind: 'share-opened', title: `${link.recipient} opened your link`, body: `“${picked[0]!.entry.title}”${picked.length > 1 ? ` and ${picked.length - 1} more` : ''} · ${read.device}`,
          link: `/shares?id=${created.id}`, key: `share-opened:${created.id}`,
        });
      }
    }
  }

  const priya = people.get('priya@demo.local')!;
  const sam = people.get('sam@demo.local')!;
  await services.kits.create(priya, {
    name: 'CFO — evaluation', shared: true, assetIds: live.filter((a) => a.entry.personas.includes('cfo') && a.entry.stages.includes('evaluation')).slice(0, 4).map((a) => a.id),
  });
  await services.kits.create(sam, { name: 'First call', shared: false, assetIds: live.filter((a) => a.entry.stages.includes('awareness')).slice(0, 3).map((a) => a.id) });
  return { links, kits: 2 };
}
