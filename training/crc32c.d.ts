// crc-32 ships types for its CRC-32 entry only; its CRC-32C entry (a CommonJS module) has the same interface.
declare module 'crc-32/crc32c' {
  const CRC32C: {
    /** CRC-32C (Castagnoli) of the bytes, as a signed 32-bit integer. */
    buf(data: Uint8Array | number[], seed?: number): number;
  };
  export default CRC32C;
}
