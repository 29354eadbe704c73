// The hover's data preview as markdown: counts, shape and classes in one line, then the strip of
// thumbnails as `data:` image links (VS Code renders them in hovers; they need no file access),
// or a CSV's first rows as a table. Text from the data (class names, cells) is escaped so a
// file cannot inject markdown or HTML into the hover.

import { formatCount, formatShape } from '../language/analysis/format-values';
import type { DataPreview } from '../language/services/data-preview';
import { excerpt } from '../language/excerpt';

/** A note (a read that failed or is slow) is a sentence: kept whole up to this. */
const NOTE_CHARS = 600;
/** Classes listed with their counts in the hover; the rest are counted. */
const CLASSES_LISTED = 12;

export function dataPreviewMarkdown(preview: DataPreview): string {
  const parts: string[] = [];
  const facts: string[] = [];
  if (preview.total !== undefined) facts.push(`**${formatCount(preview.total)} samples**`);
  if (preview.sampleShape?.length) facts.push(`shape \`${formatShape(preview.sampleShape, false)}\``);
  if (preview.classes) facts.push(`${preview.classes.length} classes`);
  if (facts.length) parts.push(facts.join(' · '));
  if (preview.classes?.length) {
    const listed = preview.classes
      .slice(0, CLASSES_LISTED)
      .map((c) => (c.count === undefined ? text(c.name) : `${text(c.name)}: ${formatCount(c.count)}`));
    const more = preview.classes.length - CLASSES_LISTED;
    const scope = preview.countedOf !== undefined ? ` (counted in the first ${formatCount(preview.countedOf)})` : '';
    parts.push(`Classes${scope}: ${listed.join(', ')}${more > 0 ? `, and ${more} more` : ''}`);
  }
  if (preview.thumbnails.length) {
    parts.push(
      preview.thumbnails
        .map((t) => `![${text(t.label ?? 'sample')}](data:image/png;base64,${Buffer.from(t.png).toString('base64')})`)
        .join(' '),
    );
  }
  if (preview.table) parts.push(tableMarkdown(preview.table));
  if (preview.note) parts.push(`_${text(preview.note, NOTE_CHARS)}_`);
  return parts.join('\n\n');
}

function tableMarkdown(table: NonNullable<DataPreview['table']>): string {
  const header = table.columns.map((c, i) => (i === table.labelColumn ? `**${text(c)}**` : text(c)));
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of table.rows) lines.push(`| ${table.columns.map((_, i) => text(row[i] ?? '')).join(' | ')} |`);
  return lines.join('\n');
}

/** Printable, short, and inert as markdown: every markdown and HTML character is backslash-escaped. */
function text(s: string, max = 40): string {
  return excerpt(s, max).replace(/[\\`*_{}[\]()<>#+\-.!|~&]/g, (c) => `\\${c}`);
}
