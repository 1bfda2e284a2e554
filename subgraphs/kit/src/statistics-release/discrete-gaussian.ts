import { createHash, randomBytes } from 'node:crypto';

/**
 * An exact sampler of the discrete Gaussian N_Z(0, σ²), the distribution on the integers with
 * P[x] ∝ exp(−x²/(2σ²)), after Canonne, Kamath & Steinke, "The Discrete Gaussian for Differential
 * Privacy" (NeurIPS 2020, arXiv:2004.00010), Algorithms 1–3: Bernoulli(exp(−γ)) from Bernoulli
 * trials of rational probability, a discrete Laplace from those, and the discrete Gaussian by
 * rejection from the discrete Laplace. Written here from the paper; every step is exact
 * arithmetic on BigInt rationals and uniform integers from a `RandomSource`, so no floating point
 * decides a draw (floating-point Gaussian noise leaks through its low bits: Mironov 2012).
 *
 * No npm package gives this (checked December 2026: OpenDP ships no JavaScript bindings; the
 * `differential-privacy` package draws continuous noise through floating point).
 */

/** Uniform random integers: the only thing the sampler takes from outside. */
export interface RandomSource {
  /** A uniform integer in [0, n), n ≥ 1. */
  below(n: bigint): bigint;
}

/** Rejection sampling from whole bytes: uniform in [0, n) for any n, from a source of bytes. */
function belowFromBytes(n: bigint, bytes: (count: number) => Uint8Array): bigint {
  if (n < 1n) throw new RangeError(`below(${n}): n must be 1 or more`);
  if (n === 1n) return 0n;
  const bits = (n - 1n).toString(2).length;
  const count = Math.ceil(bits / 8);
  const excess = BigInt(count * 8 - bits);
  for (;;) {
    let value = 0n;
    for (const byte of bytes(count)) value = (value << 8n) | BigInt(byte);
    value >>= excess;
    if (value < n) return value;
  }
}

/** Bytes handed out from this many at a time, each byte once. */
const POOL_BYTES = 64 * 1024;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * CSPRNG bytes read in blocks of POOL_BYTES and handed out once each: a draw takes a few bytes,
 * and a call into the OS per draw cost ~90 µs a sample (a release of 48,000 cells took 6 s; with
 * the pool, ~7 µs a sample). The bytes are the same kind either way; none is ever reused.
 */
function pooledRandomBytes(count: number): Uint8Array {
  if (poolOffset + count > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, count));
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return out;
}

/** The production source: the operating system's CSPRNG (node:crypto), read in blocks. */
export const cryptoRandom: RandomSource = {
  below: (n) => belowFromBytes(n, pooledRandomBytes),
};

/**
 * A deterministic source for tests and for reproducing a stored release from its seed: SHA-256 in
 * counter mode over the seed. The same seed gives the same integers on every machine. Never use it
 * for a release that is published: whoever knows the seed can take the noise off.
 */
export function seededRandom(seed: string | number): RandomSource {
  let counter = 0;
  let buffer = Buffer.alloc(0);
  let offset = 0;
  const take = (count: number): Uint8Array => {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      if (offset >= buffer.length) {
        buffer = createHash('sha256').update(`${String(seed)}\u0000${counter++}`).digest();
        offset = 0;
      }
      out[i] = buffer[offset++]!;
    }
    return out;
  };
  return { below: (n) => belowFromBytes(n, take) };
}

/** A non-negative rational num/den, den ≥ 1. */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** Bernoulli(num/den), 0 ≤ num/den ≤ 1: one uniform integer below den. */
function bernoulli(num: bigint, den: bigint, random: RandomSource): boolean {
  return random.below(den) < num;
}

/**
 * Bernoulli(exp(−γ)) for a rational γ ≥ 0 (CKS Algorithm 1). For γ ≤ 1: draw A_k ~ Bernoulli(γ/k)
 * for k = 1, 2, … until one is 0; the number of ones before it is odd with probability 1 − e^−γ.
 * For γ > 1: ⌊γ⌋ independent Bernoulli(e^−1), then one Bernoulli(e^−(γ−⌊γ⌋)).
 */
export function bernoulliExp(gamma: Rational, random: RandomSource): boolean {
  const { num, den } = gamma;
  if (num < 0n || den < 1n) throw new RangeError('bernoulliExp: γ must be a non-negative rational');
  if (num <= den) {
    let k = 1n;
    while (bernoulli(num, den * k, random)) k += 1n;
    return k % 2n === 1n;
  }
  for (let i = 0n; i < num / den; i++) if (!bernoulliExp({ num: 1n, den: 1n }, random)) return false;
  return bernoulliExp({ num: num % den, den }, random);
}

/**
 * The discrete Laplace with scale t (an integer ≥ 1): P[x] ∝ exp(−|x|/t) (CKS Algorithm 2 with s = 1).
 * |x| = U + t·V with U uniform below t, kept with probability e^(−U/t), and V geometric with
 * parameter 1 − e^−1; a random sign, with −0 rejected so that 0 is not counted twice.
 */
export function discreteLaplace(t: bigint, random: RandomSource): bigint {
  if (t < 1n) throw new RangeError('discreteLaplace: the scale must be a whole number of 1 or more');
  for (;;) {
    const u = random.below(t);
    if (!bernoulliExp({ num: u, den: t }, random)) continue;
    let v = 0n;
    while (bernoulliExp({ num: 1n, den: 1n }, random)) v += 1n;
    const magnitude = u + t * v;
    const negative = random.below(2n) === 1n;
    if (negative && magnitude === 0n) continue;
    return negative ? -magnitude : magnitude;
  }
}

/** ⌊√n⌋ for n ≥ 0, exactly (Newton's method on integers). */
export function integerSqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('integerSqrt of a negative number');
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n)))) + 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/**
 * One draw of N_Z(0, σ²) for a rational σ² = num/den > 0 (CKS Algorithm 3). With t = ⌊σ⌋ + 1,
 * draw Y from the discrete Laplace of scale t and keep it with probability
 * exp(−(|Y| − σ²/t)² / (2σ²)); the kept Y are exactly discrete-Gaussian. Written over integers:
 * (|Y| − p/(q·t))² / (2p/q) = (|Y|·q·t − p)² / (2·p·q·t²) for σ² = p/q.
 */
export function discreteGaussian(sigmaSquared: Rational, random: RandomSource): bigint {
  const { num: p, den: q } = sigmaSquared;
  if (p <= 0n || q < 1n) throw new RangeError('discreteGaussian: σ² must be a positive rational');
  const t = integerSqrt(p / q) + 1n;
  for (;;) {
    const y = discreteLaplace(t, random);
    const magnitude = y < 0n ? -y : y;
    const gap = magnitude * q * t - p;
    if (bernoulliExp({ num: gap * gap, den: 2n * p * q * t * t }, random)) return y;
  }
}
