// numpy's legacy `np.random.RandomState(seed).shuffle(a)` for a 1-D array, bit for bit: MT19937
// seeded with init_genrand (numpy's `_legacy_seeding` for an integer seed), and numpy's
// `_shuffle_raw` (Fisher–Yates from the end, each j drawn by `random_interval`: masked 32-bit
// draws, rejected above the bound). Keras shuffles IMDB and Reuters this way (seed 113), so the
// same order needs the same generator.

const N = 624;
const M = 397;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError('seed must be an integer in [0, 2**32 - 1]');
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 * prev + i, modulo 2**32, without losing bits to float precision.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** numpy's random_interval(max) for max < 2**32: uniform in [0, max]. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** RandomState.shuffle of a 1-D array, in place. */
  shuffle<T>(a: T[] | Int32Array): void {
    for (let i = a.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/** `indices = np.arange(n); rng.shuffle(indices)` */
export function shuffledIndices(rng: MT19937, n: number): Int32Array {
  const indices = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(indices);
  return indices;
}
