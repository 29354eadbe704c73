// Where ModelSpec keeps downloaded datasets and prepared tensor files: one folder per user.
//   MODELSPEC_CACHE if set; else the platform's cache folder + /modelspec:
//   Linux: $XDG_CACHE_HOME or ~/.cache; macOS: ~/Library/Caches; Windows: %LOCALAPPDATA%.
// Lives in the language core because the checker's hover says where a built-in dataset was found.

import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env.MODELSPEC_CACHE) return env.MODELSPEC_CACHE;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'modelspec');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'modelspec');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'modelspec');
}
