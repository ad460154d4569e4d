// The PostgreSQL database a benchmark loads its data into: a throwaway one on the server of DATABASE_URL, or the one
// named by the benchmark's own variable (e.g. SEARCH_BENCH_DATABASE), kept and reused by the next run, since
// loading the data takes most of a run.
import postgres from 'postgres';

export const BENCH_SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  name: string;
  url: string;
  /** It existed already, with the data of an earlier run. */
  reuse: boolean;
  /** Drops a throwaway database; leaves a kept one. */
  done(): Promise<void>;
}

export async function benchDatabase(keptVariable: string, prefix: string): Promise<BenchDatabase> {
  const kept = process.env[keptVariable];
  if (kept && !/^[a-z_][a-z0-9_]*$/.test(kept)) throw new Error(`${keptVariable} must be a plain lower-case name`);
  const name = kept || `${prefix}_${process.pid}`;
  const admin = postgres(BENCH_SERVER, { max: 1, onnotice: () => {} });
  const [existing] = await admin<{ n: number }[]>`select count(*)::int as n from pg_database where datname = ${name}`;
  const reuse = existing!.n > 0;
  if (!reuse) await admin.unsafe(`create database ${name}`);
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${name}`;
  return {
    name, url: url.toString(), reuse,
    async done() {
      if (kept) console.log(`kept the data in database ${name} (drop it when done)`);
      else await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
