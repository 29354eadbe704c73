// The run's model.json did not load into TF.js; shared by the runner bundle and the CLI. The CLI
// matches it by name: the runner bundle has its own copy of this class.
export const TFJS_LOAD_ERROR = 'TfjsLoadError';

export class TfjsLoadError extends Error {
  override name = TFJS_LOAD_ERROR;
}
