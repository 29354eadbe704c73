// Text to token ids as Keras's TextVectorization(output_mode='int') does it: standardize, split,
// a vocabulary adapted on the training texts, then each text as a fixed-length row of ids.
// Index 0 is padding (''), 1 the out-of-vocabulary token '[UNK]', then the learned tokens by
// frequency, ties broken as Keras's IndexLookup breaks them (np.lexsort((tokens, counts))[::-1]:
// the higher count first, equal counts in descending token order). max_tokens counts padding and
// '[UNK]', as in Keras.

export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | null;
export type Split = 'whitespace' | 'character' | null;

export interface TextSettings {
  standardize: Standardize;
  split: Split;
  /** The vocabulary's size with padding and '[UNK]'; undefined: every token. */
  maxTokens?: number;
  /** Ids per text (padded with 0 at the end, cut at the end); undefined: the longest text's. */
  sequenceLength?: number;
}

export const PADDING_TOKEN = '';
export const OOV_TOKEN = '[UNK]';

/** Keras's DEFAULT_STRIP_REGEX: ASCII punctuation (the range ',-.' included). */
const STRIP = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;

export function standardizeText(text: string, mode: Standardize): string {
  let out = text;
  if (mode === 'lower_and_strip_punctuation' || mode === 'lower') out = out.toLowerCase();
  if (mode === 'lower_and_strip_punctuation' || mode === 'strip_punctuation') out = out.replace(STRIP, '');
  return out;
}

/** tf.strings.split (runs of whitespace, no empty tokens), unicode characters, or the whole text. */
export function splitText(text: string, mode: Split): string[] {
  if (mode === 'whitespace') return text.split(/\s+/u).filter((t) => t !== '');
  if (mode === 'character') return [...text];
  return text === '' ? [] : [text];
}

export function tokensOf(text: string, settings: Pick<TextSettings, 'standardize' | 'split'>): string[] {
  return splitText(standardizeText(text, settings.standardize), settings.split);
}

/** The vocabulary adapted on `texts`: ['', '[UNK]', most frequent token, …], at most maxTokens long. */
export function adaptVocabulary(texts: Iterable<string>, settings: TextSettings): string[] {
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const token of tokensOf(text, settings))
      if (token !== PADDING_TOKEN && token !== OOV_TOKEN) counts.set(token, (counts.get(token) ?? 0) + 1);
  const sorted = [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || Buffer.compare(Buffer.from(b[0]), Buffer.from(a[0])),
  );
  const learned = settings.maxTokens === undefined ? sorted.length : Math.max(0, settings.maxTokens - 2);
  return [PADDING_TOKEN, OOV_TOKEN, ...sorted.slice(0, learned).map(([t]) => t)];
}

/** The longest text's token count (at least 1): output_sequence_length=None pads to it. */
export function longestText(texts: Iterable<string>, settings: TextSettings): number {
  let longest = 1;
  for (const text of texts) longest = Math.max(longest, tokensOf(text, settings).length);
  return longest;
}

/** Each text as `length` ids (int values in a Float32Array, rows × length): unknown tokens 1, padding 0. */
export function vectorizeTexts(
  texts: readonly string[],
  vocabulary: readonly string[],
  settings: TextSettings,
  length: number,
): Float32Array {
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  const out = new Float32Array(texts.length * length);
  texts.forEach((text, n) => {
    const tokens = tokensOf(text, settings);
    for (let i = 0; i < Math.min(length, tokens.length); i++) out[n * length + i] = index.get(tokens[i]!) ?? 1;
  });
  return out;
}
