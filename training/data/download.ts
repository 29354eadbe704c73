// Downloads dataset files once into a cache folder: mirrors tried in order, each file written to
// `<name>.part` and resumed with an HTTP Range request after a cut connection, verified against
// its SHA-256, then renamed into place (so a file under its final name is always complete).
// Files already in the folder (downloaded earlier or put there by hand) are used without network.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { get as httpGet, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { DataError } from '../../language/data/errors';

export interface RemoteFile {
  name: string;
  /** SHA-256 of the file as published. */
  sha256: string;
  /** SHA-256 of the file's contents unpacked (for a .gz), which a re-gzipped copy also matches. */
  contentSha256?: string;
  /** The file's name on the mirror, when it is kept under another name (Keras's `<fname>_archive`). */
  remoteName?: string;
}

export interface DownloadOptions {
  /** The folder the files end up in, e.g. ~/.cache/modelspec/mnist. */
  dir: string;
  files: readonly RemoteFile[];
  /** Base URLs tried in order; a file's URL is base + name. */
  mirrors: readonly string[];
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** Requests per mirror and file; a cut connection is resumed while attempts remain. */
  attempts?: number;
  /** Seconds without data before a request is given up. */
  idleTimeoutSeconds?: number;
  /** Use files already in `dir` as they are (default true); false when the caller found them wanting. */
  reuseExisting?: boolean;
}

/** A file that no mirror gave; `reason` says what each mirror answered. */
export class DownloadError extends DataError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super('data-missing', message);
  }
}

/** Returns the local path of each file, downloading the missing ones. Throws DataError('data-missing'). */
export async function ensureFiles(options: DownloadOptions): Promise<string[]> {
  try {
    await mkdir(options.dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new DataError(
      'data-missing',
      `Could not create ${options.dir} to download ${options.files.map((f) => f.name).join(', ')} into (${code}); ` +
        `make it writable, or set KERAS_HOME (Keras's cache) or MODELSPEC_CACHE to a writable folder`,
    );
  }
  const paths: string[] = [];
  for (const file of options.files) {
    const local = options.reuseExisting === false ? undefined : existingCopy(options.dir, file.name);
    if (local) {
      paths.push(local);
      continue;
    }
    paths.push(await downloadFromMirrors(file, options));
  }
  return paths;
}

/** A copy under the file's name, or uncompressed without `.gz` (as some people unpack them). */
function existingCopy(dir: string, name: string): string | undefined {
  for (const candidate of [name, name.replace(/\.gz$/, '')]) {
    if (existsSync(join(dir, candidate))) return join(dir, candidate);
  }
  return undefined;
}

async function downloadFromMirrors(file: RemoteFile, options: DownloadOptions): Promise<string> {
  const target = join(options.dir, file.name);
  const part = `${target}.part`;
  const failures: string[] = [];
  for (const mirror of options.mirrors) {
    const remote = file.remoteName ?? file.name;
    const url = mirror.endsWith('/') ? mirror + remote : `${mirror}/${remote}`;
    try {
      await downloadResuming(url, part, file.name, options);
      const actual = await sha256Of(part);
      // A mirror may serve the same data gzipped differently: its unpacked contents then match.
      if (actual !== file.sha256 && !(file.contentSha256 && (await gunzippedSha256(part)) === file.contentSha256)) {
        await rm(part, { force: true }); // a wrong file must not be resumed from
        throw new Error(`SHA-256 is ${actual}, expected ${file.sha256} (a damaged download or a changed mirror)`);
      }
      await rename(part, target);
      return target;
    } catch (e) {
      if (options.signal?.aborted) throw e;
      failures.push(`${url}: ${(e as Error).message}`);
    }
  }
  const names = options.files.map((f) => f.name).join(', ');
  const reason = `Could not download ${file.name} (${failures.join('; ')})`;
  throw new DownloadError(`${reason}. Put the files ${names} into ${options.dir} and run again.`, reason);
}

/** Fetches url into `part`, continuing from what `part` already holds, retrying cut connections. */
async function downloadResuming(url: string, part: string, name: string, options: DownloadOptions): Promise<void> {
  const attempts = options.attempts ?? 4;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const have = existsSync(part) ? (await stat(part)).size : 0;
    try {
      const complete = await fetchOnce(url, part, have, name, options);
      if (complete) return;
      lastError = new Error('the connection closed before the end of the file');
    } catch (e) {
      if (options.signal?.aborted) throw e;
      lastError = e as Error;
      if (lastError instanceof HttpStatusError) throw lastError; // 404 and the like: no point retrying
    }
  }
  throw lastError ?? new Error('download failed');
}

class HttpStatusError extends Error {}

/** One GET (with Range when resuming). Returns true when the whole file is in `part`. */
async function fetchOnce(
  url: string,
  part: string,
  offset: number,
  name: string,
  options: DownloadOptions,
): Promise<boolean> {
  const response = await request(url, offset > 0 ? { Range: `bytes=${offset}-` } : {}, options);
  let start = offset;
  if (response.statusCode === 200)
    start = 0; // the server ignored Range: start over
  else if (response.statusCode === 416) {
    response.resume();
    await rm(part, { force: true }); // our partial file is longer than the remote one: start over
    return false;
  } else if (response.statusCode !== 206) {
    response.resume();
    throw new HttpStatusError(`HTTP ${response.statusCode}`);
  }
  const length = Number(response.headers['content-length'] ?? NaN);
  const total = start + length;
  let received = 0;
  let lastReport = 0;
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    const now = Date.now();
    if (options.onProgress && now - lastReport > 500) {
      lastReport = now;
      options.onProgress(downloadProgress(name, start + received, total));
    }
  });
  const out = createWriteStream(part, { flags: start === 0 ? 'w' : 'a' });
  try {
    await pipeline(response, out);
  } catch (e) {
    // pipeline rejects as soon as the connection is cut, while a write it started may still be
    // landing in `part`: wait until the file is closed, or the next attempt's Range (from the
    // file's size) and that late write would both append the same bytes.
    if (!out.closed) await once(out, 'close');
    if (options.signal?.aborted) throw e;
    return false; // cut mid-file: what arrived is kept in `part` and resumed
  }
  return Number.isFinite(length) ? received === length : true;
}

/** "Downloading imdb.npz [######--------------]  31% 5.4 / 17.5 MB": one line, for the CLI and VS Code's notification. */
export function downloadProgress(name: string, done: number, total: number): string {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  if (!Number.isFinite(total) || total <= 0) return `Downloading ${name}: ${mb(done)} MB`;
  const fraction = Math.min(1, done / total);
  const filled = Math.round(fraction * 20);
  const percent = `${Math.floor(fraction * 100)}`.padStart(3);
  return `Downloading ${name} [${'#'.repeat(filled)}${'-'.repeat(20 - filled)}] ${percent}% ${mb(done)} / ${mb(total)} MB`;
}

function request(
  url: string,
  headers: Record<string, string>,
  options: DownloadOptions,
  redirects = 5,
): Promise<IncomingMessage> {
  // Loaded at the first download, not at every CLI and language server start (http, https and tls
  // cost ~15 ms of CPU to load); require(), since import() would need the bundle loaded by Node's loader.
  const load = createRequire(import.meta.url);
  const get: typeof httpGet | undefined = url.startsWith('https:')
    ? load('node:https').get
    : url.startsWith('http:')
      ? load('node:http').get
      : undefined;
  if (!get) return Promise.reject(new HttpStatusError(`unsupported URL (use http:// or https://)`));
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { 'User-Agent': 'modelspec', ...headers }, signal: options.signal }, (res) => {
      const location = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location && redirects > 0) {
        res.resume();
        resolve(request(new URL(location, url).toString(), headers, options, redirects - 1));
        return;
      }
      res.setTimeout((options.idleTimeoutSeconds ?? 30) * 1000, () =>
        res.destroy(new Error('no data received for a while')),
      );
      resolve(res);
    });
    req.setTimeout((options.idleTimeoutSeconds ?? 30) * 1000, () =>
      req.destroy(new Error('the server did not answer')),
    );
    req.on('error', reject);
  });
}

// Files are hashed in 1 MiB pieces, read and unpacked: with the streams' defaults (64 KiB reads,
// 16 KiB inflate chunks) half the CPU of hashing Fashion-MNIST's training images (47 MB
// unpacked) went to stream bookkeeping, 0.45 s against 0.24 s.
const HASH_CHUNK_BYTES = 1 << 20;

/** A file's bytes for hashing, in large pieces. */
export function readForHash(path: string): ReadStream {
  return createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES });
}

/** A gunzip stream for hashing, in large pieces. */
export function gunzipForHash(): Gunzip {
  return createGunzip({ chunkSize: HASH_CHUNK_BYTES });
}

/** SHA-256 of a gzipped file's unpacked contents; '' when it is not gzip. */
async function gunzippedSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of readForHash(path).pipe(gunzipForHash())) hash.update(chunk as Buffer);
  } catch {
    return '';
  }
  return hash.digest('hex');
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of readForHash(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
