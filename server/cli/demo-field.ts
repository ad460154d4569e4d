// The demo's voice of the field: sales said which assets helped (and one that did not), asked for content their
// searches did not find (one request planned, one done, others voted on), wait to be told when one search finds
// something, and the CRM's outcomes of the demo's share links make the influence report alive. All through the
// services, as people would make them.
import { sql } from 'drizzle-orm';
import type { CurrentUser } from '../auth/roles.ts';
import { rows } from '../db/rows.ts';
import type { Services } from '../services.ts';
import type { MadeAsset } from './demo-history.ts';

const DAY_MS = 86_400_000;

export async function addDemoFieldVoice(services: Services, library: MadeAsset[], people: Map<string, CurrentUser>, now: Date) {
  const person = (email: string) => people.get(email)!;
  const [priya, jordan, sam, lukas, maya] = ['priya@demo.local', 'jordan@demo.local', 'sam@demo.local', 'lukas@demo.local', 'maya@demo.local'].map(person) as CurrentUser[];
  const live = library.filter((a) => a.liveFrom && !a.liveUntil).sort((a, b) => (b.entry.uses ?? 0) - (a.entry.uses ?? 0));

  // Feedback on the most used assets: mostly "helped", one stale one that did not.
  const said: [CurrentUser, MadeAsset | undefined, boolean, string | undefined][] = [
    [priya!, live[0], true, 'Walked the CFO through slide 3 — it answered the payback question before she asked.'],
    [jordan!, live[0], true, undefined],
    [sam!, live[1], true, 'Good opener for a first call.'],
    [lukas!, live[2], false, 'The figures are from last year; the prospect noticed.'],
  ];
  let feedback = 0;
  for (const [who, asset, helpful, comment] of said) {
    if (!asset) continue;
    await services.feedback.give(who, asset.id, { helpful, ...(comment && { comment }) });
    feedback++;
  }

  // Requests from the searches that found nothing most often, each by someone who searched it.
  const failed = await rows<{ id: string; user_id: string; query: string }>(services.database.db, sql`
    select distinct on (query) id, user_id, query from search_log
    where result_count = 0 and counted and query <> '' and user_id is not null
    order by query, at desc`);
  const counts = await rows<{ query: string; n: number }>(services.database.db, sql`
    select query, count(*)::int as n from search_log where result_count = 0 and counted and query <> '' group by query`);
  const frequency = new Map(counts.map((row) => [row.query, row.n]));
  failed.sort((a, b) => (frequency.get(b.query) ?? 0) - (frequency.get(a.query) ?? 0));
  const byId = new Map([...people.values()].map((p) => [p.id, p]));
  let requests = 0;
  for (const [i, search] of failed.slice(0, 2).entries()) {
    const asker = byId.get(search.user_id);
    if (!asker) continue;
    const asked = await services.requests.create(asker, { description: `Something on “${search.query}” — prospects keep asking and I had nothing to send.`, queryId: search.id });
    for (const voter of [priya!, jordan!, sam!].filter((p) => p.id !== asker.id).slice(0, 2 - i)) await services.requests.vote(voter, asked.id);
    if (i === 0) await services.requests.update(maya!, asked.id, { status: 'planned', comment: 'Drafting it with product marketing; due next sprint.' });
    requests++;
  }
  const cell = await services.requests.create(sam!, { description: 'A short ROI summary a procurement team can forward internally.', persona: 'procurement', stage: 'intent' });
  if (live[3]) await services.requests.update(maya!, cell.id, { status: 'done', assetId: live[3].id, comment: 'This one covers it; page 2 has the summary.' });
  requests++;
  // One search waits to be told it exists.
  if (failed[2]) {
    const watcher = byId.get(failed[2].user_id);
    if (watcher) await services.watches.watch(watcher, failed[2].id);
  }

  // The CRM's word on the demo links' opportunities: one won, one lost, one still open.
  const closed = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString();
  const deals = [
    { externalId: 'OPP-1042', name: 'Acme Corp — platform rollout', amount: '184000', currency: 'EUR', stage: 'Closed Won', outcome: 'won', closedAt: closed(3) },
    { externalId: 'OPP-1077', name: 'Globex — pilot', amount: '42000', currency: 'EUR', stage: 'Closed Lost', outcome: 'lost', closedAt: closed(1) },
    { externalId: 'OPP-1101', name: 'Umbrella — procurement review', amount: '96000', currency: 'EUR', stage: 'Negotiation', outcome: 'open' },
  ];
  for (const deal of deals) await services.influence.record(deal);
  return { feedback, requests, deals: deals.length };
}
