// Where ModelSpec keeps downloaded datasets and prepared tensor files (defined in the language
// core, which needs it to say where a built-in dataset was found).

export { cacheDir } from '../../language/data/cache-dir';
