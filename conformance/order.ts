/** Byte-wise order of UTF-8 strings (code point order), as R17 pages rooms. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
