// One report panel's loading state: each panel of the dashboard loads, fails and retries on its own, so one slow
// or failing report never blanks the others.
import { ApiError } from './api.ts';
import { sentence } from './format.ts';
import { LatestRequest } from './latest-request.ts';

export class ReportLoad<T> {
  value = $state<T | null>(null);
  error = $state('');
  loading = $state(false);
  private readonly latest = new LatestRequest();
  private last: ((signal: AbortSignal) => Promise<T>) | null = null;

  /**
   * Asks again; a newer call (another window picked meanwhile) supersedes an older one. The shown value stays
   * while the new one loads, so a refresh after an action does not flash the panel empty.
   */
  async load(send: (signal: AbortSignal) => Promise<T>): Promise<void> {
    this.last = send;
    this.loading = true;
    this.error = '';
    try {
      const reply = await this.latest.run(send);
      if (!reply) return;
      this.value = reply.value;
      this.loading = false;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'ABORTED') return;
      this.error = sentence(error instanceof Error ? error.message : String(error));
      this.loading = false;
    }
  }

  /** Asks for the same thing again (the Try again button). */
  retry(): Promise<void> {
    return this.last ? this.load(this.last) : Promise.resolve();
  }

  /** Forgets the shown value: a new window's figures must not be taken for the old ones while they load. */
  reset(): void {
    this.value = null;
  }
}
