// Hand-built protobuf wire bytes for tests: fields are written tag by tag so the expected field
// numbers come from the spec table, not from the schema under test.

/** varint encodes a non-negative integer as a protobuf varint. */
export function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
}

/** vint writes field `field` as a varint (wire type 0). */
export function vint(field: number, n: number | bigint): number[] {
  return [...varint((field << 3) | 0), ...varint(n)];
}

/** bytes writes field `field` as length-delimited (wire type 2). */
export function bytes(field: number, payload: number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}

/** str writes a UTF-8 string field. */
export function str(field: number, s: string): number[] {
  return bytes(field, [...Buffer.from(s, 'utf8')]);
}

/** dbl writes a double field (wire type 1, little-endian). */
export function dbl(field: number, x: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...varint((field << 3) | 1), ...b];
}

/** mapEntry writes one map<string,string> entry of field `field`. */
export function mapEntry(field: number, key: string, value: string): number[] {
  return bytes(field, [...str(1, key), ...str(2, value)]);
}
