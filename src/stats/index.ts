/**
 * Public surface of stats: the HdrHistogram-layout recorder, its V2 `HISTFAAA` encoding and the
 * `.hgrm` percentile spectrum. A pure leaf: it imports nothing from the rest of meshplane.
 * @module
 */
export { Histogram, DEFAULT_LOWEST, DEFAULT_HIGHEST, DEFAULT_DIGITS } from './histogram.js';
export type { HistogramOptions, PercentileRow } from './histogram.js';
export {
  encodeHistogram,
  decodeHistogram,
  encodeCompressed,
  decodeCompressed,
  encodeUncompressed,
  decodeUncompressed,
  HistogramDecodeError,
} from './encoding.js';
export { toHgrm, parseHgrm, HgrmParseError } from './hgrm.js';
export type { Hgrm, HgrmRow, HgrmOptions, HgrmStyle } from './hgrm.js';
