/**
 * One request at a time for something asked again on every keystroke: starting a request aborts the one
 * before it, and a reply that arrives after a newer request started is dropped, even if the abort came too late.
 */
export class LatestRequest {
  private sequence = 0;
  private controller: AbortController | null = null;

  /** The reply, or null when a newer request (or `cancel`) superseded this one; only the newest request's error is thrown. */
  async run<T>(send: (signal: AbortSignal) => Promise<T>): Promise<{ value: T } | null> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const mine = ++this.sequence;
    try {
      const value = await send(controller.signal);
      return mine === this.sequence ? { value } : null;
    } catch (error) {
      if (mine !== this.sequence) return null;
      throw error;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  cancel(): void {
    this.sequence++;
    this.controller?.abort();
    this.controller = null;
  }
}
