/**
 * Reading a rules, schema or test file from disk, Node-only. Refuses anything that is not a
 * regular file (a FIFO would block forever, `/dev/zero` never ends) and reads at most `maxBytes`,
 * so a file far over the size limit costs that much and no more (issue #13, item 11).
 */
import { constants, fstatSync, openSync, readSync, closeSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { errorText } from '../../grammar/index.js';

export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
  constructor(
    message: string,
    /** `ENOENT`, `EISDIR`, `EACCES`, `ENOTREG` (not a regular file), or another errno code. */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface SourceText {
  /** The file's text (UTF-8), or its first `maxBytes` bytes when `truncated`. */
  readonly text: string;
  /** The file's size in bytes, as the file system reports it. */
  readonly bytes: number;
  /** Whether the file holds more than `maxBytes` bytes (only the first `maxBytes` were read). */
  readonly truncated: boolean;
}

/** A file of `chars` UTF-16 units is at most this many bytes of UTF-8 (3 per unit; a pair is 4). */
export const utf8BytesFor = (chars: number): number => chars * 3;

const kind = (s: Stats): string => (s.isFIFO() ? 'a FIFO' : s.isCharacterDevice() ? 'a character device' : s.isBlockDevice() ? 'a block device' : s.isSocket() ? 'a socket' : s.isDirectory() ? 'a directory' : 'not a regular file');

function refuse(s: Stats): SourceReadError | undefined {
  if (s.isFile()) return undefined;
  return s.isDirectory() ? new SourceReadError('is a directory', 'EISDIR') : new SourceReadError(`is ${kind(s)}, not a regular file`, 'ENOTREG');
}

function failure(e: unknown): SourceReadError {
  if (e instanceof SourceReadError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : errorText(e);
  return new SourceReadError(why, code);
}

// O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever before fstat can refuse it.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * What both readers do with an open file: refuse anything but a regular file, then read at most
 * `maxBytes`. It yields each read it needs (buffer, offset, length) and is sent the bytes read,
 * so the sync and the async reader share every step but the I/O call itself.
 */
function* reading(stats: Stats, maxBytes: number): Generator<readonly [Buffer, number, number], SourceText, number> {
  const refused = refuse(stats);
  if (refused) throw refused;
  const want = Math.min(stats.size, maxBytes);
  const buffer = Buffer.alloc(want);
  let got = 0;
  while (got < want) {
    const n = yield [buffer, got, want - got];
    if (n === 0) break;
    got += n;
  }
  return { text: buffer.toString('utf8', 0, got), bytes: stats.size, truncated: stats.size > maxBytes };
}

/** Reads `path` as UTF-8; throws SourceReadError (never another error) when it can not. */
export function readSourceSync(path: string, maxBytes: number): SourceText {
  let fd: number | undefined;
  try {
    fd = openSync(path, FLAGS);
    const steps = reading(fstatSync(fd), maxBytes);
    for (let step = steps.next(); ; ) {
      if (step.done) return step.value;
      const [buffer, offset, length] = step.value;
      step = steps.next(readSync(fd, buffer, offset, length, offset));
    }
  } catch (e) {
    throw failure(e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** readSourceSync without blocking the event loop. */
export async function readSource(path: string, maxBytes: number): Promise<SourceText> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, FLAGS);
    const steps = reading(await handle.stat(), maxBytes);
    for (let step = steps.next(); ; ) {
      if (step.done) return step.value;
      const [buffer, offset, length] = step.value;
      step = steps.next((await handle.read(buffer, offset, length, offset)).bytesRead);
    }
  } catch (e) {
    throw failure(e);
  } finally {
    await handle?.close();
  }
}
