/**
 * Every lifecycle timer goes through here so that `stop()` can cancel them all at once and the
 * emulator never keeps a test process alive.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Run `fn` after `ms`; errors are reported, never thrown into the event loop. */
  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (this.stopped) return;
      try {
        fn();
      } catch (err) {
        console.error('[aws-emulator] timer callback failed', err);
      }
    }, ms);
    this.pending.add(t);
  }

  /** Run `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void {
    const t = setInterval(() => {
      if (!this.stopped) fn();
    }, ms);
    this.pending.add(t);
    return () => {
      clearInterval(t);
      this.pending.delete(t);
    };
  }

  stopAll(): void {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
