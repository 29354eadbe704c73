// The one small DOM helper the evaluation views share: an element with text and a class.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** A number with 4 significant digits, trailing zeros dropped (0.9312, 12.5). A diverged run's
 *  NaN reaches the panel as null (JSON has no NaN): shown as NaN. */
export function formatMetric(v: number | null): string {
  return typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v ?? NaN);
}
