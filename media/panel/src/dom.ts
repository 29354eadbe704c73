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

/** A number with 4 significant digits, trailing zeros dropped (0.9312, 12.5). */
export function formatMetric(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
