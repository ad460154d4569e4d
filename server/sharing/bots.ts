// Link scanners and preview bots: mail security gateways and chat unfurlers fetch a link before (or instead of) the
// person it was sent to. Their openings are shown to the sender apart and never counted as visits.
// Three signs: a user agent that names itself, a HEAD request (nobody reads a HEAD), and an opening within seconds
// of the link being made (scanners run as the mail is delivered). A heartbeat with human input outweighs the last.
import { isbotMatch } from 'isbot';

/** Mail security gateways isbot does not list (they fetch every link in a mail as it is delivered). */
const MAIL_SCANNERS = /mimecast|proofpoint|barracuda|safelinks|forcepoint|trendmicro|msoffice|ms-office/i;

/** Opened this soon after the link was made: a scanner checking the mail on delivery, unless a person then scrolls. */
export const SCANNER_WINDOW_MS = 15_000;

/** Why a request looks like a bot, or null. */
export function botReason(request: { method: string; userAgent: string | undefined; msSinceCreated: number }): string | null {
  if (request.method === 'HEAD') return 'fetched with HEAD (a link checker)';
  const agent = request.userAgent?.trim() ?? '';
  if (agent === '') return 'no user agent';
  const named = isbotMatch(agent) ?? MAIL_SCANNERS.exec(agent)?.[0];
  if (named) return `a known bot or scanner (${named.trim().slice(0, 40)})`;
  if (request.msSinceCreated < SCANNER_WINDOW_MS) return `opened ${Math.max(0, Math.round(request.msSinceCreated / 1000))} s after the link was made (a mail scanner?)`;
  return null;
}

/** "Chrome on macOS", from a user agent: what the sender is shown of a visitor's device. */
export function deviceOf(userAgent: string | undefined): string {
  const agent = userAgent ?? '';
  const browser = /Edg\//.test(agent) ? 'Edge' : /OPR\/|Opera/.test(agent) ? 'Opera' : /Firefox\//.test(agent) ? 'Firefox'
    : /Chrome\/|CriOS\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : 'A browser';
  const system = /iPhone|iPad|iPod/.test(agent) ? 'iOS' : /Android/.test(agent) ? 'Android' : /Mac OS X|Macintosh/.test(agent) ? 'macOS'
    : /Windows/.test(agent) ? 'Windows' : /CrOS/.test(agent) ? 'ChromeOS' : /Linux/.test(agent) ? 'Linux' : null;
  const phone = /Mobile|iPhone|Android.*Mobile/.test(agent);
  return `${browser}${system ? ` on ${system}` : ''}${phone && system !== 'iOS' ? ' (phone)' : system === 'iOS' && /iPhone/.test(agent) ? ' (phone)' : ''}`;
}
