// The few phrases several reports' sentences share ("in 3 days", "1 search"), so they read the same everywhere.

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Expires in 12 days (2026-12-14)", counted from `now`; "today" within the last day. */
export function expiresPhrase(expiresAt: Date, now: Date): string {
  const left = Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 86_400_000));
  return `Expires ${left === 0 ? 'today' : `in ${plural(left, 'day')}`} (${expiresAt.toISOString().slice(0, 10)})`;
}
