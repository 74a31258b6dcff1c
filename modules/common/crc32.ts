/*
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): what zlib, PNG and the pack format use.
 * Table-driven; the table is built once when the module loads (at build time when preloaded).
 */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** CRC-32 of bytes[start .. start+length), continuing from `crc` (0 to begin). Unsigned result. */
export function crc32(bytes: Uint8Array, start = 0, length = bytes.length - start, crc = 0): number {
  let c = ~crc;
  const end = start + length;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
