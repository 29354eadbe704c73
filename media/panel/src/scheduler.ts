// Streaming runs send hundreds of events a second; redrawing on each would fall behind.
// Events are applied to the model as they arrive, and the view is redrawn at most once
// per `minIntervalMs`, on an animation frame (none while the webview is hidden).

export interface RenderScheduler {
  /** Ask for a redraw soon; many requests before it happens make one redraw. */
  request(): void;
  /** How many redraws have happened. */
  readonly renders: number;
  /** A redraw has been asked for and has not happened yet. */
  readonly pending: boolean;
}

export function createRenderScheduler(render: () => void, minIntervalMs = 250): RenderScheduler {
  let pending = false;
  let lastRender = -Infinity;
  let renders = 0;
  const run = () => {
    pending = false;
    lastRender = performance.now();
    renders++;
    render();
  };
  return {
    request() {
      if (pending) return;
      pending = true;
      const wait = Math.max(0, lastRender + minIntervalMs - performance.now());
      setTimeout(() => requestAnimationFrame(run), wait);
    },
    get renders() {
      return renders;
    },
    get pending() {
      return pending;
    },
  };
}
