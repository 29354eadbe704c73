// Run events arrive as fast as the engine emits them (hundreds a second on small models);
// the webview is sent them in batches, at most once per interval (~4 times a second).

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export class EventBatcher<T> {
  private pending: T[] = [];
  private timer: unknown;
  private lastFlush = -Infinity;

  constructor(
    private readonly send: (items: T[]) => void,
    private readonly intervalMs = 250,
    private readonly timers: Timers = realTimers,
  ) {}

  push(item: T): void {
    this.pending.push(item);
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => this.flush(), wait);
  }

  /** Sends whatever is pending now (e.g. when the run ends). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const items = this.pending;
    this.pending = [];
    this.lastFlush = this.timers.now();
    this.send(items);
  }

  /** Drops pending items (the panel is showing another run). */
  clear(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
