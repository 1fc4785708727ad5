/** Half-open range of UTF-16 offsets `[start, end)`. Line:column exists only when rendering. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** 1-based line and column (column counted in UTF-16 code units), plus the 0-based offset. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export const span = (start: number, end: number): Span => ({ start, end });

/**
 * Chevrotain reports inclusive end offsets; this is the only place that converts them,
 * so every other module can assume half-open spans.
 */
export const fromChevrotain = (startOffset: number, endOffsetInclusive: number | undefined): Span => ({
  start: startOffset,
  end: (endOffsetInclusive ?? startOffset - 1) + 1,
});

export const cover = (a: Span, b: Span): Span => ({ start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) });

/** Offsets of line starts in a text, for offset → line:column lookups by binary search. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1, offset: o };
  }

  /** The text of the 1-based line, without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** Offset of the 1-based line's first character. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /**
   * Offset just past the 1-based line's last character, before its line break: found without
   * scanning the line, so a megabyte-long line costs no more than a short one.
   */
  lineEnd(line: number): number {
    const start = this.lineStart(line);
    let end = this.starts[line] ?? this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}
