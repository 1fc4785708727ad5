/**
 * Reading input files for the CLI: a failure is a one-line usage error (exit 2), never a stack
 * trace. Every file the CLI reads comes through here and adapters/node/read-source.ts, which refuses
 * anything but a regular file (`/dev/zero` never ends, a FIFO blocks) and reads at most a limit.
 */
import { COMPILE_LIMITS } from '../compiler/index.js';
import { DiagnosticSink, type Diagnostic, visible, errorText } from '../grammar/index.js';
import { readSourceSync, utf8BytesFor, type SourceText } from '../adapters/node/index.js';

export class UsageError extends Error {}

/**
 * Test files, records, requests and users files: more bytes than this is a usage error. Not a
 * policy, a bound on what one command reads (a rules or schema file has maxFileSize instead).
 */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

function read(file: string, maxBytes: number): SourceText {
  try {
    return readSourceSync(file, maxBytes);
  } catch (e) {
    // readSourceSync throws SourceReadError only, with a short reason ("no such file", "is a FIFO, …").
    throw new UsageError(`cannot read ${visible(file)}: ${errorText(e)}`);
  }
}

/** A test, records, request or users file, whole. */
export function readSource(file: string, maxBytes: number = MAX_INPUT_BYTES): string {
  const source = read(file, maxBytes);
  if (source.truncated) throw new UsageError(`cannot read ${visible(file)}: it has ${source.bytes} bytes, more than the limit of ${maxBytes}`);
  return source.text;
}

export interface RulesText {
  /** The file's text; only its first bytes when `tooLarge` (for the excerpt: never compile it). */
  readonly text: string;
  /** VLV0701: the file has more than `maxFileSize` characters; the rest of it was not read. */
  readonly tooLarge?: Diagnostic;
}

/**
 * A rules or schema file. The compiler's maxFileSize counts UTF-16 units, and a file of more than
 * `utf8BytesFor(maxFileSize)` bytes surely has more: such a file is VLV0701 after reading only
 * that many bytes. Its character count is then a lower bound, and the message says so.
 */
export function readRules(file: string, maxFileSize: number = COMPILE_LIMITS.maxFileSize): RulesText {
  const source = read(file, utf8BytesFor(maxFileSize));
  if (!source.truncated) return { text: source.text };
  // Each UTF-16 unit takes at most 3 bytes; the prefix read counts exactly, but for a character
  // the cut may have split (decoded as one U+FFFD).
  const prefix = source.text.length - (source.text.endsWith('\ufffd') ? 1 : 0);
  const size = Math.max(Math.ceil(source.bytes / 3), prefix);
  const tooLarge = new DiagnosticSink(file, source.text).report('VLV0701', { start: 0, end: 0 }, { size, max: maxFileSize, bytes: source.bytes });
  return { text: source.text, tooLarge };
}

export const useColor = (stream: NodeJS.WriteStream): boolean => Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
