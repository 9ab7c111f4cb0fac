/**
 * Offsets → 1-based line:col for one text. libpg-query reports statement positions as UTF-8
 * BYTE offsets and error cursors as CHARACTER (code point) offsets; editors count columns in
 * characters. This index converts all three (bytes, code points, UTF-16 indices) exactly.
 * Pure ASCII texts (the common case) take a fast path where all three coincide.
 */
export interface LineCol {
  line: number;
  col: number;
}

export class Positions {
  readonly text: string;
  readonly ascii: boolean;
  /** UTF-16 index of the start of each line. */
  private readonly lineStarts: number[];
  /** Non-ASCII only: byte offset → UTF-16 index, code point → UTF-16 index, UTF-16 index → code point. */
  private byteToU16?: Int32Array;
  private cpToU16?: Int32Array;
  private u16ToCp?: Int32Array;

  constructor(text: string) {
    this.text = text;
    this.ascii = /^[\x00-\x7f]*$/.test(text);
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.lineStarts = starts;
  }

  private build(): void {
    if (this.byteToU16) return;
    const t = this.text;
    const byteToU16 = new Int32Array(Buffer.byteLength(t) + 1);
    const cpToU16: number[] = [];
    const u16ToCp = new Int32Array(t.length + 1);
    let b = 0;
    let cp = 0;
    let i = 0;
    while (i < t.length) {
      const c = t.codePointAt(i) as number;
      const units = c > 0xffff ? 2 : 1;
      const bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      for (let k = 0; k < bytes; k++) byteToU16[b + k] = i;
      for (let k = 0; k < units; k++) u16ToCp[i + k] = cp;
      cpToU16.push(i);
      b += bytes;
      cp += 1;
      i += units;
    }
    byteToU16[b] = i;
    u16ToCp[i] = cp;
    cpToU16.push(i);
    this.byteToU16 = byteToU16;
    this.cpToU16 = Int32Array.from(cpToU16);
    this.u16ToCp = u16ToCp;
  }

  /** UTF-16 index of a UTF-8 byte offset (clamped to the text). */
  u16FromByte(byte: number): number {
    if (this.ascii) return Math.max(0, Math.min(byte, this.text.length));
    this.build();
    const m = this.byteToU16 as Int32Array;
    return m[Math.max(0, Math.min(byte, m.length - 1))] as number;
  }

  /** UTF-16 index of a code point offset (clamped). */
  u16FromCodePoint(cp: number): number {
    if (this.ascii) return Math.max(0, Math.min(cp, this.text.length));
    this.build();
    const m = this.cpToU16 as Int32Array;
    return m[Math.max(0, Math.min(cp, m.length - 1))] as number;
  }

  /** Code point offset of a UTF-16 index (clamped). */
  codePointFromU16(u16: number): number {
    if (this.ascii) return Math.max(0, Math.min(u16, this.text.length));
    this.build();
    const m = this.u16ToCp as Int32Array;
    return m[Math.max(0, Math.min(u16, m.length - 1))] as number;
  }

  /** Byte offset of a UTF-16 index. */
  byteFromU16(u16: number): number {
    if (this.ascii) return u16;
    return Buffer.byteLength(this.text.slice(0, u16));
  }

  /** 1-based line and 1-based column in characters (code points) of a UTF-16 index. */
  fromU16(u16: number): LineCol {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= u16) lo = mid;
      else hi = mid - 1;
    }
    const start = starts[lo] as number;
    if (this.ascii) return { line: lo + 1, col: u16 - start + 1 };
    this.build();
    const m = this.u16ToCp as Int32Array;
    return { line: lo + 1, col: (m[u16] as number) - (m[start] as number) + 1 };
  }

  fromByte(byte: number): LineCol {
    return this.fromU16(this.u16FromByte(byte));
  }

  fromCodePoint(cp: number): LineCol {
    return this.fromU16(this.u16FromCodePoint(cp));
  }

  /** UTF-16 index where 1-based `line` starts. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))] as number;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}
