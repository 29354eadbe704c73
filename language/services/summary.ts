// The model summary exactly as Keras 3's `model.summary()` prints it for a Sequential model (a
// rich table with a heavy header and a line between rows), and the same facts as JSON for tools.
// `modelspec summary` prints these verbatim. Hover shows the same facts as a compact Markdown
// table, totals first (a hover box is narrow and short: the rich table's wide, double-height rows
// wrapped and hid the totals). Names in the tables are printable() (one line, no control
// characters); the JSON keeps them exact.

import type { LayerInfo, ModelAnalysis } from '../analysis/model';
import { formatCount, formatShape } from '../analysis/format-values';
import { printable } from '../printable';

/** Content widths of Keras 3's three columns (rich pads each with one space a side). */
const COLUMN_WIDTHS = [31, 22, 13] as const;
const HEADER = ['Layer (type)', 'Output Shape', 'Param #'] as const;

export function summaryTable(model: ModelAnalysis): string {
  const rows = model.layers.map((layer) => [
    layerLabel(layer),
    layer.output ? formatShape(layer.output) : '?',
    paramCell(layer),
  ]);
  const widths = COLUMN_WIDTHS.map((w, i) => Math.max(w, HEADER[i].length, ...rows.map((r) => r[i].length)));
  const rule = (left: string, fill: string, mid: string, right: string) =>
    left + widths.map((w) => fill.repeat(w + 2)).join(mid) + right;
  const row = (cells: readonly string[], bar: string) =>
    bar + cells.map((c, i) => ` ${i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])} `).join(bar) + bar;

  const lines = [
    `Model: "${printable(model.name)}"`,
    rule('┏', '━', '┳', '┓'),
    row(HEADER, '┃'),
    rule('┡', '━', '╇', '┩'),
  ];
  rows.forEach((r, i) => {
    if (i > 0) lines.push(rule('├', '─', '┼', '┤'));
    lines.push(row(r, '│'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  const t = model.totals;
  lines.push(
    ` Total params: ${countWithMemory(t?.total)}`,
    ` Trainable params: ${countWithMemory(t?.trainable)}`,
    ` Non-trainable params: ${countWithMemory(t?.nonTrainable)}`,
  );
  return lines.join('\n');
}

/** The summary for a hover: the three totals on one line, then one Markdown table row per layer. */
export function summaryMarkdown(model: ModelAnalysis): string {
  const t = model.totals;
  const totals =
    `Total params: ${countWithMemory(t?.total)} · Trainable: ${countWithMemory(t?.trainable)} · ` +
    `Non-trainable: ${countWithMemory(t?.nonTrainable)}`;
  const rows = model.layers.map(
    (layer) =>
      `| ${markdownCell(printable(layer.name))} (${layer.spec.name}) | ${layer.output ? formatShape(layer.output) : '?'} | ${paramCell(layer)} |`,
  );
  return [totals, '', '| Layer (type) | Output Shape | Param # |', '| :-- | :-- | --: |', ...rows].join('\n');
}

/** Text that stays plain inside a Markdown table cell: `|` would end the cell, `*`, `_`… would format. */
export function markdownCell(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

export interface SummaryJson {
  name: string;
  input_shape: (number | null)[] | null;
  layers: {
    name: string;
    class_name: string;
    output_shape: (number | null)[] | null;
    params: number | null;
    trainable_params: number | null;
  }[];
  total_params: number | null;
  trainable_params: number | null;
  non_trainable_params: number | null;
}

export function summaryJson(model: ModelAnalysis): SummaryJson {
  return {
    name: model.name,
    input_shape: model.inputShape ? [null, ...model.inputShape] : null,
    layers: model.layers.map((l) => ({
      name: l.name,
      class_name: l.spec.name,
      output_shape: l.output ? [null, ...l.output] : null,
      params: l.params ? l.params.trainable + l.params.nonTrainable : null,
      trainable_params: l.params ? l.params.trainable : null,
    })),
    total_params: model.totals?.total ?? null,
    trainable_params: model.totals?.trainable ?? null,
    non_trainable_params: model.totals?.nonTrainable ?? null,
  };
}

/** `conv2d (Conv2D)`: Keras's name (a newline or ESC in it escaped), then the class. */
export function layerLabel(layer: LayerInfo): string {
  return `${printable(layer.name)} (${layer.spec.name})`;
}

function paramCell(layer: LayerInfo): string {
  return layer.params ? formatCount(layer.params.trainable + layer.params.nonTrainable) : '?';
}

function countWithMemory(n: number | undefined): string {
  return n === undefined ? '? (unknown)' : `${formatCount(n)} (${readableMemorySize(n * 4)})`;
}

/** Keras's readable_memory_size: float32 weights, base 1024, two decimals (`4.58 MB`, `0.00 B`). */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return `${size.toFixed(2)} ${units[units.length - 1]}`;
}
