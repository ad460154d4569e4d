// The usage benchmark's data, generated inside the database (generate_series) so ten million events load in
// minutes, not hours: sales users, approved assets tagged persona × stage, events in sessions (a view, then maybe
// a click, a download, a link copied, presented) with a skew — a third of the library gets every use, a few assets
// most of it — and searches, some finding nothing, each with the assets it showed. Runs on both drivers.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../server/db/client.ts';
import { rows } from '../../server/reports/measures.ts';

export interface UsageBenchSize { assets: number; events: number; searches: number; days: number }

const SALES_USERS = 300;
/** Only this share of the library is ever used (industry figures: 60–80 % of content is never used). */
const USED_SHARE = 0.35;
/** The sessions' event kinds, in the order a person does them; one template per session, at random. */
const SESSION_TEMPLATES = [
  ['view'], ['view'], ['click', 'view'], ['click', 'view', 'download'], ['view', 'download'],
  ['view', 'copy_link'], ['click', 'view', 'download', 'presented'], ['view', 'share'],
];
const EVENTS_PER_SESSION = SESSION_TEMPLATES.flat().length / SESSION_TEMPLATES.length;
/** Rows per insert statement: progress shows, and no single statement holds gigabytes of temporary space. */
const CHUNK = 500_000;

const exec = (db: Db, query: SQL) => db.execute(query);

export async function loadUsageData(db: Db, size: UsageBenchSize, progress: (line: string) => void): Promise<void> {
  const interval = sql.raw(`'${size.days} days'::interval`);
  await exec(db, sql`insert into users (email, name, role, password_hash)
    select 'sales' || g || '@bench', 'Sales ' || g, 'sales', 'not a hash' from generate_series(1, ${SALES_USERS}) as g`);
  await exec(db, sql`insert into users (email, name, role, password_hash) values ('marketing@bench', 'Marketing', 'marketing', 'not a hash')`);
  // Numbered, so a generated row picks an asset or a person by number.
  await exec(db, sql`create table bench_assets (n int primary key, id uuid not null)`);
  await exec(db, sql`create table bench_users (n int primary key, id uuid not null)`);
  await exec(db, sql`insert into bench_users select row_number() over (order by email), id from users where role = 'sales'`);
  await exec(db, sql`insert into bench_assets select g, gen_random_uuid() from generate_series(1, ${size.assets}) as g`);
  await exec(db, sql`insert into blobs (sha256, size) values ('bench', 1)`);
  const [owner] = await rows<{ id: string }>(db, sql`select id from users where email = 'marketing@bench'`);
  // Approved over the last year and a half; 2 % expire within two months. The version has the asset's id.
  await exec(db, sql`insert into assets (id, title, kind, status, owner_id, created_at, approved_at, expires_at)
    select id, 'Asset ' || n, 'document', 'approved', ${owner!.id}, now() - interval '600 days',
      now() - (random() * 540) * interval '1 day', case when n % 50 = 0 then now() + (n % 60) * interval '1 day' end
    from bench_assets`);
  await exec(db, sql`insert into asset_versions (id, asset_id, number, sha256, filename, mime_type, size, preview_status, uploaded_by)
    select id, id, 1, 'bench', 'asset.pdf', 'application/pdf', 1, 'ready', ${owner!.id} from bench_assets`);
  await exec(db, sql`update assets set current_version_id = id, approved_version_id = id`);
  // One persona and one stage each, spread over every cell.
  for (const [facet, step] of [['persona', 1], ['stage', 7]] as const) {
    await exec(db, sql`insert into asset_terms (asset_id, term_id)
      select bench_assets.id, numbered.id from bench_assets
      join (select id, row_number() over (order by position, slug) - 1 as i, count(*) over () as total from terms where facet_key = ${facet}) as numbered
        on numbered.i = (bench_assets.n * ${step}) % numbered.total`);
  }
  progress(`${size.assets.toLocaleString('en')} assets, ${SALES_USERS} sales users`);

  const used = Math.max(1, Math.round(size.assets * USED_SHARE));
  const templates = sql.raw(`array[${SESSION_TEMPLATES.map((t) => `'${t.join(',')}'`).join(', ')}]`);
  let events = 0;
  while (events < size.events) {
    const sessions = Math.max(1, Math.min(CHUNK, Math.round((size.events - events) / EVENTS_PER_SESSION)));
    // A session: one person, one asset (cubed: a few assets get most sessions), one moment; its events seconds apart.
    await exec(db, sql`insert into usage_events (asset_id, user_id, kind, counted, at)
      select bench_assets.id, bench_users.id, kind, pick.counted, pick.at + (step * interval '7 seconds')
      from (select 1 + floor(${used} * power(random(), 3))::int as asset_n, 1 + floor(random() * ${SALES_USERS})::int as user_n,
          1 + floor(random() * ${SESSION_TEMPLATES.length})::int as template, random() > 0.05 as counted,
          now() - random() * ${interval} as at
        from generate_series(1, ${sessions})) as pick
      join bench_assets on bench_assets.n = pick.asset_n
      join bench_users on bench_users.n = pick.user_n
      cross join lateral unnest(string_to_array((${templates})[pick.template], ',')) with ordinality as kinds(kind, step)
      where pick.at + (step * interval '7 seconds') < now()`);
    const [count] = await rows<{ n: number }>(db, sql`select count(*)::int as n from usage_events`);
    events = count!.n;
    progress(`${events.toLocaleString('en')} events`);
  }

  let searches = 0;
  while (searches < size.searches) {
    const batch = Math.min(CHUNK, size.searches - searches);
    // 3,000 topics, a few searched often; the rarest 8 % find nothing. A third name a persona and a stage.
    await exec(db, sql`insert into search_log (user_id, query, filters, result_count, shown_asset_ids, clicked_at, counted, at)
      select bench_users.id, 'topic ' || pick.topic,
        case when pick.filtered then jsonb_build_object('persona', jsonb_build_array(persona.slug), 'stage', jsonb_build_array(stage.slug)) else '{}'::jsonb end,
        case when pick.topic > 2760 then 0 else 20 end,
        case when pick.topic > 2760 then '{}'::uuid[] else array(
          select bench_assets.id from generate_series(1, 10) as shown(k)
          join bench_assets on bench_assets.n = 1 + (pick.topic * 37 + shown.k * 101) % ${size.assets}) end,
        case when pick.topic <= 2760 and pick.clicked then pick.at + interval '5 seconds' end,
        true, pick.at
      from (select 1 + floor(3000 * power(random(), 2))::int as topic, 1 + floor(random() * ${SALES_USERS})::int as user_n,
          random() < 0.33 as filtered, random() < 0.3 as clicked, now() - random() * ${interval} as at,
          floor(random() * 1000)::int as cell
        from generate_series(1, ${batch})) as pick
      join bench_users on bench_users.n = pick.user_n
      join (select slug, row_number() over (order by position, slug) - 1 as i, count(*) over () as total from terms where facet_key = 'persona') as persona
        on persona.i = pick.cell % persona.total
      join (select slug, row_number() over (order by position, slug) - 1 as i, count(*) over () as total from terms where facet_key = 'stage') as stage
        on stage.i = (pick.cell / 7) % stage.total`);
    searches += batch;
    progress(`${searches.toLocaleString('en')} searches`);
  }
  await exec(db, sql`drop table bench_assets`);
  await exec(db, sql`drop table bench_users`);
  await exec(db, sql`analyze`);
}
