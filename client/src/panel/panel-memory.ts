// Which run the training panel shows, kept in a file in the extension's workspace storage.
// After a window reload VS Code hands the panel back with the state its webview saved, but a
// reload soon after that state changed can lose it (seen in code-server); this file is written
// at once, so the panel can still find its run.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class PanelMemory {
  constructor(private readonly file: string | undefined) {}

  remember(runDir: string): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify({ runDir }));
    } catch {
      // only a fallback: the webview's own state usually suffices
    }
  }

  recall(): string | undefined {
    if (!this.file) return undefined;
    try {
      const value = (JSON.parse(readFileSync(this.file, 'utf8')) as { runDir?: unknown }).runDir;
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
}
