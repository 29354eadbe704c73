// The language contract, LANGUAGE.md, lives outside the repository (../shared/LANGUAGE.md from
// the repo root, read-only). Tests that check the code against it read it from there.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const LANGUAGE_MD = join(REPO_ROOT, '..', 'shared', 'LANGUAGE.md');

export function readLanguageMd(): string {
  if (!existsSync(LANGUAGE_MD)) {
    throw new Error(
      `The language contract is not at ${LANGUAGE_MD}: these tests check the code against it. ` +
        'Put LANGUAGE.md in a folder named shared beside the repository folder (../shared/LANGUAGE.md).',
    );
  }
  return readFileSync(LANGUAGE_MD, 'utf8');
}

/** The markdown bullet (`- …`, with its continuation lines) that starts with `lead`. */
function bullet(md: string, lead: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`- ${lead}`));
  if (start < 0)
    throw new Error(
      `LANGUAGE.md has no bullet starting "- ${lead}"; update test/helpers/language-contract.ts to its new wording.`,
    );
  const body = [lines[start]];
  for (let i = start + 1; i < lines.length && /^\s+\S/.test(lines[i]); i++) body.push(lines[i]);
  return body.join(' ').replace(/\s+/g, ' ');
}

/** "Conv1D/2D/3D" → Conv1D, Conv2D, Conv3D; "ResNet50/101/152"; "MobileNetV3Small/Large"; "EfficientNetB0–B7". */
function expand(name: string): string[] {
  const range = /^(.*?)([A-Z]?)(\d+)[–-]\2(\d+)$/.exec(name);
  if (range) {
    const [, stem, letter, from, to] = range;
    return Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => `${stem}${letter}${Number(from) + i}`);
  }
  const [first, ...rest] = name.split('/');
  if (!rest.length) return [first];
  // The alternatives replace the tail of the first name that has their form: digits then the
  // rest ("2D" after "Conv1D") or a capitalised word ("Large" after "MobileNetV3Small").
  return [
    first,
    ...rest.map((alt) => {
      const m = /^\d/.test(alt) ? /^(.*?)\d+\D*$/.exec(first) : /^(.*?)[A-Z][a-z]+$/.exec(first);
      if (!m) throw new Error(`cannot expand "${name}" from LANGUAGE.md`);
      return m[1] + alt;
    }),
  ];
}

/** Every layer name LANGUAGE.md's model section lists: the layers bullet, the Keras Applications, Pretrained. */
export function languageMdLayers(md: string = readLanguageMd()): string[] {
  const layers = bullet(md, 'Layers (Keras names and arguments):').replace(
    /^- Layers \(Keras names and arguments\):/,
    '',
  );
  const apps = bullet(md, 'Keras Applications');
  const names = new Set<string>();
  const add = (text: string) => {
    const cleaned = text
      .replace(/`[^`]*`/g, '') // code examples
      .replace(/\([^)]*\)/g, '') // "(with return_sequences)", "(adapted on the training data)"
      .replace(/[a-z][a-z ]*layers:/g, ''); // "preprocessing and augmentation layers:"
    for (const word of cleaned.split(/[,;.]|\band\b/)) {
      const w = word.trim();
      if (/^[A-Z][A-Za-z0-9/–-]*$/.test(w)) for (const n of expand(w)) names.add(n);
    }
  };
  add(layers);
  // Applications: the names in the bullet's two lists (the plain stacks, then "The others (…)").
  for (const m of apps.matchAll(/\b(VGG\d+|[A-Z][A-Za-z]*(?:Net|ception)[A-Za-z0-9/–-]*|ConvNeXt\w+)/g))
    for (const n of expand(m[1])) names.add(n);
  if (/`Pretrained\(/.test(md)) names.add('Pretrained');
  return [...names];
}
