// The compile, data and fit blocks: `key: value` settings checked against the catalog's block
// specs, with unknown and repeated keys reported.

import type { ArgSpec, ArgValue } from '../catalog/types';
import { excerpt } from '../excerpt';
import type { Setting, SettingsBlock } from '../syntax/ast';
import { diagnostic, type Diagnostic } from './diagnostics';
import { checkValue, closest, type ValueContext } from './values';

export interface SettingsAnalysis {
  block: SettingsBlock;
  /** Values by key, defaults applied for what was not written. */
  values: Record<string, ArgValue>;
  /** The setting each written key came from. */
  written: Record<string, Setting>;
}

export function analyzeSettings(
  block: SettingsBlock,
  specs: readonly ArgSpec[],
  ctx: ValueContext,
  out: Diagnostic[],
): SettingsAnalysis {
  const values: Record<string, ArgValue> = {};
  const written: Record<string, Setting> = {};
  for (const setting of block.settings) {
    const key = setting.key.name;
    const spec = specs.find((s) => s.name === key) ?? specs.find((s) => s.deprecatedAliases?.includes(key));
    if (!spec) {
      const guess = closest(
        key,
        specs.map((s) => s.name),
      );
      out.push(
        diagnostic(
          'unknown-setting',
          setting.key.range,
          `The ${block.kind} block has no setting '${excerpt(key)}'` +
            (guess ? `. Did you mean '${guess}'?` : `; it takes ${specs.map((s) => s.name).join(', ')}`),
          guess
            ? { fixes: [{ kind: 'replace', range: setting.key.range, text: guess, title: `Change to '${guess}'` }] }
            : {},
        ),
      );
      continue;
    }
    if (written[spec.name]) {
      out.push(
        diagnostic(
          'duplicate-setting',
          setting.key.range,
          `'${spec.name}' is set twice in the ${block.kind} block; keep one`,
          {
            related: [{ range: written[spec.name].range, message: `'${spec.name}' is first set here` }],
          },
        ),
      );
      continue;
    }
    written[spec.name] = setting;
    const checked = checkValue(setting.value, spec.type, spec.name, ctx);
    out.push(...checked.diagnostics);
    if (checked.value !== undefined) values[spec.name] = checked.value;
  }
  for (const spec of specs) {
    if (!(spec.name in values) && !written[spec.name] && spec.default !== undefined) values[spec.name] = spec.default;
  }
  return { block, values, written };
}
