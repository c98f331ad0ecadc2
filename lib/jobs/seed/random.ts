/**
 * A small seeded PRNG (mulberry32) and a key hash, so that every generated value is a
 * pure function of the seed and the row's identity: the same seed gives the same data
 * byte for byte, in any order and at any scale, with nothing kept in memory.
 */

/** The murmur3 32-bit finalizer: a good avalanche for combining keys. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of non-negative integers below 2^53. */
function hashKey(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = mix32(h ^ (part >>> 0));
    h = mix32(h ^ Math.floor(part / 0x1_0000_0000));
  }
  return h;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}

/** The generator of one row's values: a function of the seed, what is generated, and its keys. */
export function randomFor(seed: number, stream: number, ...keys: number[]): Random {
  return new Random(hashKey(seed, stream, ...keys));
}
