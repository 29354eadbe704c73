// The hover's view of a layer-graph application (ResNet50, …): its own model.summary(), as
// Keras prints it for the nested model — each layer with its type, output shape, parameters and
// the layers it reads — in the model hover's Markdown table style. Long graphs are cut
// (NASNetMobile has ~770 layers; a hover is not a file).

import { formatCount } from '../analysis/format-values';
import type { LayerInfo } from '../analysis/model';
import type { FoldedGraph } from '../catalog/graph/layer-graph';
import { graphSummaryRows } from '../catalog/graph/layer-graph';
import { markdownCell } from './summary';

/** Rows shown before "… n more layers". */
export const APPLICATION_SUMMARY_ROWS = 300;

/** The application's summary, or undefined for other layers or an input the checker rejected. */
export function applicationSummary(info: LayerInfo): string | undefined {
  if (!info.spec.graph || !info.input) return undefined;
  let folded: FoldedGraph;
  try {
    folded = info.spec.graph({ args: info.args, input: info.input });
  } catch {
    return undefined; // the checker reports the shape error under the call
  }
  const rows = graphSummaryRows(folded);
  const shown = rows.slice(0, APPLICATION_SUMMARY_ROWS);
  const { trainable, nonTrainable } = folded.params;
  return [
    `**Model "${markdownCell(folded.graph.name)}"** (${formatCount(rows.length)} layers) · Total params: ${formatCount(trainable + nonTrainable)} · Trainable: ${formatCount(trainable)} · Non-trainable: ${formatCount(nonTrainable)}`,
    '',
    '| Layer (type) | Output Shape | Param # | Connected to |',
    '| :-- | :-- | --: | :-- |',
    ...shown.map(
      (r) =>
        `| ${markdownCell(r.name)} (${r.layer}) | ${r.output} | ${formatCount(r.params)} | ${markdownCell(r.inputs.join(', '))} |`,
    ),
    ...(rows.length > shown.length ? ['', `… ${formatCount(rows.length - shown.length)} more layers`] : []),
  ].join('\n');
}
