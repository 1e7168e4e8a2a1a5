/**
 * Remembers the customer keys of one export in a fixed 2 MiB bit array (a blocked Bloom filter:
 * two bits per key, both in one 64-byte block, so a key costs one cache miss), to tell which
 * rows may repeat a key met earlier in the file. "No" is certain; "maybe" is wrong for about
 * 0.02% of rows at 100k rows and 1% at a million. The loader then counts in SQL only the keys
 * of the "maybe" rows, where counting every key of the export was its slowest step at 100k rows
 * (a 100k-group aggregate); the memory stays the same whatever the export's size.
 */
export class RepeatedKeys {
  static readonly #BLOCKS = 1 << 15;
  /** 16 words of 32 bits: 512 bits, one cache line. */
  readonly #words = new Uint32Array(RepeatedKeys.#BLOCKS * 16);

  /** Records `key`; true when it may have been recorded before. */
  add(key: string): boolean {
    // Two 32-bit FNV-1a hashes (different offset bases) in one pass over the key: one picks the
    // block, the other the two bits in it.
    let block = 0x811c9dc5;
    let bits = 0x050c5d1f;
    for (let i = 0; i < key.length; i++) {
      const unit = key.charCodeAt(i);
      block = Math.imul(block ^ unit, 0x01000193);
      bits = Math.imul(bits ^ unit, 0x01000193);
    }
    const base = ((block >>> 0) & (RepeatedKeys.#BLOCKS - 1)) * 16;
    const seenFirst = this.#testAndSet(base, bits & 511);
    const seenSecond = this.#testAndSet(base, (bits >>> 9) & 511);
    return seenFirst && seenSecond;
  }

  #testAndSet(base: number, bit: number): boolean {
    const word = base + (bit >>> 5);
    const mask = 1 << (bit & 31);
    const before = this.#words[word] ?? 0;
    this.#words[word] = before | mask;
    return (before & mask) !== 0;
  }
}
