// How many assets wait in review, for the badge on the Review link: the header watches it for approvers,
// and whatever approves, rejects, submits or withdraws an asset asks for a fresh count.
import { api } from './api.ts';

class ReviewCount {
  /** null until known (and for people who are not approvers). */
  value = $state<number | null>(null);
  private watching = false;
  private asked = 0;

  /** Starts or stops counting; the header calls it with whether this user is an approver. */
  watch(approver: boolean): void {
    this.watching = approver;
    if (!approver) this.value = null;
    else void this.refresh();
  }

  /** Reads the count again; an answer overtaken by a newer request is dropped. */
  async refresh(): Promise<void> {
    if (!this.watching) return;
    const ask = ++this.asked;
    try {
      const count = await api.reviewCount();
      if (ask === this.asked) this.value = count;
    } catch { /* the badge is a hint: keep the last count */ }
  }
}

export const reviewCount = new ReviewCount();
