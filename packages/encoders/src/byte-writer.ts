import { XML_ENTITIES } from './spreadsheet-parts';
// Output leaves in chunks of about this size: large enough that zlib and the file system see few
// calls, small enough that a chunk in flight costs little memory.
export const CHUNK_BYTES = 256 * 1024;
// Room for the row that crosses CHUNK_BYTES, so a typical chunk needs no reallocation.
const SLACK_BYTES = 64 * 1024;
const FIRST_BYTES = 8 * 1024;
const EMPTY = Buffer.alloc(0);
const SMALL_COPY_BYTES = 64;
const SET_COPY_BYTES = 12;
// For bytesEscapingXml: 1 where a byte is copied as it is; the rest are escaped, dropped or checked.
const XML_PLAIN = new Uint8Array(256).fill(1);
const XML_ESCAPES: (Buffer | undefined)[] = new Array<Buffer | undefined>(256).fill(undefined);
for (let b = 0; b < 0x20; b += 1) if (b !== 0x09 && b !== 0x0a) XML_PLAIN[b] = 0; // dropped
for (const [ch, escape] of Object.entries(XML_ENTITIES)) {
  XML_PLAIN[ch.charCodeAt(0)] = 0;
  XML_ESCAPES[ch.charCodeAt(0)] = Buffer.from(escape, 'latin1');
}
XML_PLAIN[0xef] = 0;
// For bytesEscapingJson: what JSON.stringify writes for each byte it escapes (`"`, `\`, and bytes
// below 0x20: the short escapes, else \u00XX in lowercase hex); undefined where a byte is copied.
const JSON_ESCAPES: (Buffer | undefined)[] = new Array<Buffer | undefined>(256).fill(undefined);
for (let b = 0; b < 0x20; b += 1) JSON_ESCAPES[b] = Buffer.from(JSON.stringify(String.fromCharCode(b)).slice(1, -1));
JSON_ESCAPES[0x22] = Buffer.from('\\"', 'latin1');
JSON_ESCAPES[0x5c] = Buffer.from('\\\\', 'latin1');
const JSON_PLAIN = new Uint8Array(256).map((_, b) => (JSON_ESCAPES[b] ? 0 : 1));

/**
 * Appends bytes to a chunk buffer. The CSV encoder writes every value's bytes here directly:
 * building a JS string per row and re-encoding it cost more than reading the rows (profiled:
 * string creation, UTF-8 decode and encode, and the garbage they leave were half the CPU).
 */
export class ByteWriter {
  // A small export's whole file fits the first few KiB; a chunk's worth is allocated only once the
  // output has shown that it is large (after the first chunk was taken), and never after the last.
  private buf = EMPTY;
  private pos = 0;
  private nextSize = FIRST_BYTES;

  get length(): number {
    return this.pos;
  }

  /** Makes room for n more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.nextSize, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Buffer, start = 0, end = src.length): void {
    const n = end - start;
    this.reserve(n);
    // Buffer#copy costs a native call and argument checks; most values are a few dozen bytes,
    // which a plain loop copies faster (Buffer#copy was 15% of a CSV export's CPU). A whole
    // buffer of a dozen bytes or more goes through TypedArray#set: measured here, 13 ns at any
    // size up to 128 bytes, against about 1 ns a byte for the loop and 19 ns for Buffer#copy.
    if (n >= SET_COPY_BYTES && start === 0 && end === src.length) {
      this.buf.set(src, this.pos);
      this.pos += n;
    } else if (n < SMALL_COPY_BYTES) {
      const buf = this.buf;
      let pos = this.pos;
      for (let i = start; i < end; i += 1) buf[pos++] = src[i] as number;
      this.pos = pos;
    } else {
      this.pos += src.copy(this.buf, this.pos, start, end);
    }
  }

  /**
   * Copies src, writing every `quote` byte twice (CSV's escaping). One loop instead of an indexOf
   * per quote: JSON cells hold many quotes, and the native calls were 6% of a CSV export's CPU.
   */
  bytesDoubling(src: Buffer, start: number, end: number, quote: number): void {
    this.reserve((end - start) * 2);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i += 1) {
      const b = src[i] as number;
      buf[pos++] = b;
      if (b === quote) buf[pos++] = b;
    }
    this.pos = pos;
  }

  /**
   * Copies UTF-8 text as XML element text: & < > escaped (a quote is copied), line breaks folded
   * to LF, and what XML 1.0 cannot carry (C0 controls but tab, CR and LF, U+FFFE, U+FFFF) dropped,
   * as the XLSX string path does (a cell's CR fold, then escapeXml). One loop that checks and copies:
   * scanning first and copying the runs between escapes cost twice the time.
   */
  bytesEscapingXml(src: Buffer, start: number, end: number): void {
    this.reserve((end - start) * 6);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i += 1) {
      const b = src[i] as number;
      if (XML_PLAIN[b] === 1) {
        buf[pos++] = b;
      } else if (b === 0x0d) {
        // A line break as a cell stores it: CR LF and a lone CR become LF.
        buf[pos++] = 0x0a;
        if (i + 1 < end && src[i + 1] === 0x0a) i += 1;
      } else if (b === 0xef) {
        // U+FFFE and U+FFFF are EF BF BE and EF BF BF; any other EF sequence is copied.
        if (i + 2 < end && src[i + 1] === 0xbf && (src[i + 2] === 0xbe || src[i + 2] === 0xbf)) i += 2;
        else buf[pos++] = b;
      } else {
        const escape = XML_ESCAPES[b];
        if (escape) for (let j = 0; j < escape.length; j += 1) buf[pos++] = escape[j] as number;
      }
    }
    this.pos = pos;
  }

  /**
   * Copies UTF-8 text as the inside of a JSON string, byte for byte what JSON.stringify writes for
   * the decoded text: only `"`, `\` and bytes below 0x20 are escaped, every other UTF-8 sequence is
   * copied. One loop that checks and copies, as for XML: scanning for the next escape and then
   * copying the run took 2.4 times as long on bench_users' text values.
   */
  bytesEscapingJson(src: Buffer, start: number, end: number): void {
    this.reserve((end - start) * 6);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i += 1) {
      const b = src[i] as number;
      if (JSON_PLAIN[b] === 1) {
        buf[pos++] = b;
      } else {
        const escape = JSON_ESCAPES[b] as Buffer;
        for (let j = 0; j < escape.length; j += 1) buf[pos++] = escape[j] as number;
      }
    }
    this.pos = pos;
  }

  /**
   * Copies a JSON document without the white space between its tokens; strings (with their
   * escapes) and numbers are copied as they are. One loop that copies as it goes: copying the runs
   * between white space took 1.4–1.8 times as long on bench_users' JSON column.
   */
  bytesCompactingJson(src: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    const buf = this.buf;
    let pos = this.pos;
    let isInString = false;
    for (let i = start; i < end; i += 1) {
      const b = src[i] as number;
      if (isInString) {
        buf[pos++] = b;
        if (b === 0x5c && i + 1 < end) buf[pos++] = src[++i] as number;
        else if (b === 0x22) isInString = false;
      } else if (b === 0x22) {
        buf[pos++] = b;
        isInString = true;
      } else if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
        buf[pos++] = b;
      }
    }
    this.pos = pos;
  }

  /** Latin-1/ASCII text only (digits, base64, tokens already checked to be ASCII). */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    if (n < SMALL_COPY_BYTES) {
      // As in bytes(): a short string is copied faster by hand than through Buffer#write.
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < n; i += 1) buf[pos++] = text.charCodeAt(i);
      this.pos = pos;
    } else {
      this.pos += this.buf.write(text, this.pos, 'latin1');
    }
  }

  /** A non-negative integer's decimal digits, zero-padded to `width`; no string is built. */
  digits(n: number, width = 1): void {
    let count = 1;
    for (let rest = Math.floor(n / 10); rest > 0; rest = Math.floor(rest / 10)) count += 1;
    if (count < width) count = width;
    this.reserve(count);
    const buf = this.buf;
    let rest = n;
    for (let i = this.pos + count - 1; i >= this.pos; i -= 1) {
      buf[i] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.pos += count;
  }

  utf8(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Hands over what was written (it now belongs to the reader); the next write starts a fresh buffer. */
  take(): Buffer {
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    this.nextSize = CHUNK_BYTES + SLACK_BYTES;
    return chunk;
  }
}
