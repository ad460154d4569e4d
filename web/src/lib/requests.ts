import type { RequestStatus } from './api.ts';

/** How the board names a content request's status. */
export const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  open: 'Open', planned: 'Planned', done: 'Done', declined: 'Declined',
};
