/**
 * HdrHistogram V2 encoding: the compressed base64 form (`HISTFAAA…`) shared by the Java, C, Go,
 * Rust and JS ports, and the uncompressed V2 payload inside it.
 *
 *   compressed   = int32 cookie 0x1c849314 | int32 length | zlib(uncompressed)
 *   uncompressed = int32 cookie 0x1c849313 | int32 payloadLength | int32 normalizingIndexOffset
 *                | int32 significantDigits | int64 lowest | int64 highest | float64 conversionRatio
 *                | counts as ZigZag LEB128 (≤ 9 bytes each), a run of n > 1 zeros written as −n
 *
 * All integers are big-endian. Counts are written up to the bucket of the largest value.
 * @module
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { Histogram } from './histogram.js';

const V2_COOKIE_BASE = 0x1c849303;
const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
/** The word-size nibble (0x10) HdrHistogram sets on V2 cookies. */
const V2_WORD_SIZE_BITS = 0x10;
const HEADER_BYTES = 40;

/** HistogramDecodeError reports an encoded histogram that cannot be read. */
export class HistogramDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistogramDecodeError';
  }
}

function cookieBase(cookie: number): number {
  return (cookie & ~0xf0) >>> 0;
}

/** writeZigZag appends one ZigZag LEB128 value (HdrHistogram's 9-byte variant) and returns the new offset. */
function writeZigZag(out: Uint8Array, offset: number, value: number): number {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  let pos = offset;
  for (let group = 0; group < 8; group++) {
    if (v < 128) {
      out[pos++] = v;
      return pos;
    }
    out[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[pos++] = v & 0xff;
  return pos;
}

/** encodeUncompressed writes the V2 payload of a histogram. */
export function encodeUncompressed(h: Histogram): Uint8Array {
  const limit = h.totalCount === 0 ? 0 : h.indexOf(h.max) + 1;
  const out = new Uint8Array(HEADER_BYTES + limit * 9);
  let pos = HEADER_BYTES;
  const counts = h.counts;
  let i = 0;
  while (i < limit) {
    const count = counts[i++]!;
    if (count === 0) {
      let zeros = 1;
      while (i < limit && counts[i] === 0) {
        zeros++;
        i++;
      }
      pos = writeZigZag(out, pos, zeros > 1 ? -zeros : 0);
    } else {
      pos = writeZigZag(out, pos, count);
    }
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt32(0, V2_COOKIE_BASE | V2_WORD_SIZE_BITS);
  view.setInt32(4, pos - HEADER_BYTES);
  view.setInt32(8, 0);
  view.setInt32(12, h.significantDigits);
  view.setBigInt64(16, BigInt(h.lowestDiscernibleValue));
  view.setBigInt64(24, BigInt(h.highestTrackableValue));
  view.setFloat64(32, 1.0);
  return out.subarray(0, pos);
}

/** encodeCompressed returns the compressed V2 bytes of a histogram. */
export function encodeCompressed(h: Histogram): Uint8Array {
  const deflated = deflateSync(encodeUncompressed(h));
  const out = new Uint8Array(8 + deflated.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, V2_COMPRESSED_COOKIE_BASE | V2_WORD_SIZE_BITS);
  view.setInt32(4, deflated.length);
  out.set(deflated, 8);
  return out;
}

/** encodeHistogram returns the standard compressed base64 form (`HISTFAAA…`). */
export function encodeHistogram(h: Histogram): string {
  return Buffer.from(encodeCompressed(h)).toString('base64');
}

/** decodeUncompressed reads a V2 payload written by any HdrHistogram implementation. */
export function decodeUncompressed(bytes: Uint8Array): Histogram {
  if (bytes.length < HEADER_BYTES)
    throw new HistogramDecodeError(`histogram payload is ${bytes.length} bytes; too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cookie = view.getInt32(0) >>> 0;
  if (cookieBase(cookie) !== V2_COOKIE_BASE) {
    throw new HistogramDecodeError(
      `histogram cookie is 0x${cookie.toString(16)}; expected a V2 cookie (0x${(V2_COOKIE_BASE | V2_WORD_SIZE_BITS).toString(16)})`,
    );
  }
  const payloadLength = view.getInt32(4);
  // Bytes 8..11 hold normalizingIndexOffset and 32..39 a conversion ratio. Like the C and JS ports we
  // ignore both: the JS port writes an offset of 1 and the ratio as an integer, and shifted histograms
  // are not exchanged in practice.
  const digits = view.getInt32(12);
  const lowest = Number(view.getBigInt64(16));
  const highest = Number(view.getBigInt64(24));
  if (payloadLength < 0 || HEADER_BYTES + payloadLength > bytes.length) {
    throw new HistogramDecodeError(
      `histogram payload length ${payloadLength} exceeds the ${bytes.length - HEADER_BYTES} bytes present`,
    );
  }
  let h: Histogram;
  try {
    h = new Histogram({ lowest, highest: Math.max(highest, 2 * lowest), digits });
  } catch (error) {
    throw new HistogramDecodeError(`histogram header is invalid: ${(error as Error).message}`);
  }
  const counts = new Float64Array(h.countsLength);
  const end = HEADER_BYTES + payloadLength;
  let pos = HEADER_BYTES;
  let index = 0;
  while (pos < end) {
    let raw = 0;
    let multiplier = 1;
    for (let group = 0; ; group++) {
      if (pos >= end) throw new HistogramDecodeError('histogram payload ends inside a count');
      const b = bytes[pos++]!;
      if (group === 8) {
        raw += b * multiplier;
        break;
      }
      raw += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) break;
      multiplier *= 128;
    }
    const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    if (value < 0) {
      index += -value;
    } else {
      if (index >= counts.length) {
        throw new HistogramDecodeError(
          `histogram payload has more counts than its layout holds (${counts.length})`,
        );
      }
      counts[index++] = value;
    }
  }
  h.setCounts(counts);
  return h;
}

/** decodeCompressed reads compressed V2 bytes (cookie 0x1c849314). */
export function decodeCompressed(bytes: Uint8Array): Histogram {
  if (bytes.length < 8)
    throw new HistogramDecodeError(`compressed histogram is ${bytes.length} bytes; too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cookie = view.getInt32(0) >>> 0;
  if (cookieBase(cookie) !== V2_COMPRESSED_COOKIE_BASE) {
    throw new HistogramDecodeError(
      `compressed histogram cookie is 0x${cookie.toString(16)}; expected 0x${(V2_COMPRESSED_COOKIE_BASE | V2_WORD_SIZE_BITS).toString(16)}`,
    );
  }
  const length = view.getInt32(4);
  if (length < 0 || 8 + length > bytes.length) {
    throw new HistogramDecodeError(
      `compressed histogram length ${length} exceeds the ${bytes.length - 8} bytes present`,
    );
  }
  let inflated: Buffer;
  try {
    inflated = inflateSync(bytes.subarray(8, 8 + length));
  } catch (error) {
    throw new HistogramDecodeError(`compressed histogram does not inflate: ${(error as Error).message}`);
  }
  return decodeUncompressed(inflated);
}

/** decodeHistogram reads the compressed base64 form (`HISTFAAA…`), surrounding whitespace allowed. */
export function decodeHistogram(text: string): Histogram {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new HistogramDecodeError('encoded histogram is not base64');
  }
  return decodeCompressed(Buffer.from(trimmed, 'base64'));
}
