// Python's random.Random and gradstep's nn.datasets in JavaScript, only to draw the
// data in the page's first second, before Python has started. Python's own data
// (the same points) replace them as soon as it is ready.

export class PyRandom {
  // Mersenne Twister seeded as CPython seeds it from an int (init_by_array of its
  // 32-bit words), random() from two draws, gauss() by Box-Muller keeping the spare.
  constructor(seed) {
    this.mt = new Uint32Array(624);
    const key = [];
    let s = BigInt(Math.abs(seed));
    do {
      key.push(Number(s & 0xffffffffn));
      s >>= 32n;
    } while (s > 0n);
    this.seedArray(key);
    this.spare = null;
  }

  seedArray(key) {
    const mt = this.mt;
    mt[0] = 19650218;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    let i = 1;
    let j = 0;
    for (let k = Math.max(624, key.length); k; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (((mt[i] ^ Math.imul(prev, 1664525)) >>> 0) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= 624) {
        mt[0] = mt[623];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = 623; k; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (((mt[i] ^ Math.imul(prev, 1566083941)) >>> 0) - i) >>> 0;
      i++;
      if (i >= 624) {
        mt[0] = mt[623];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = 624;
  }

  next32() {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  random() {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  uniform(a, b) {
    return a + (b - a) * this.random();
  }

  gauss(mu, sigma) {
    let z = this.spare;
    this.spare = null;
    if (z === null) {
      const angle = this.random() * 2 * Math.PI;
      const radius = Math.sqrt(-2 * Math.log(1 - this.random()));
      z = Math.cos(angle) * radius;
      this.spare = Math.sin(angle) * radius;
    }
    return mu + z * sigma;
  }
}

// The points of nn.datasets.make_<name>(n, noise, seed), as [x1, x2, label] rows
// ([x, y] for linear, a regression).
export function makeData(name, n, noise, seed) {
  const rng = new PyRandom(seed);
  const rows = [];
  for (let i = 0; i < n; i++) {
    if (name === "moons") {
      const label = i % 2;
      const t = Math.PI * rng.random();
      const p = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
      rows.push([p[0] + rng.gauss(0, noise), p[1] + rng.gauss(0, noise), label]);
    } else if (name === "circles") {
      const label = i % 2;
      const t = 2 * Math.PI * rng.random();
      const r = label === 0 ? 1 : 0.5;
      const a = r * Math.cos(t) + rng.gauss(0, noise);
      rows.push([a, r * Math.sin(t) + rng.gauss(0, noise), label]);
    } else if (name === "xor") {
      const a = rng.uniform(-1, 1);
      const b = rng.uniform(-1, 1);
      const label = a > 0 !== b > 0 ? 1 : 0;
      rows.push([a + rng.gauss(0, noise), b + rng.gauss(0, noise), label]);
    } else if (name === "spiral") {
      const label = i % 2;
      const r = rng.random();
      const t = 4 * r + Math.PI * label + rng.gauss(0, noise);
      rows.push([r * Math.cos(t), r * Math.sin(t), label]);
    } else {
      const x = rng.uniform(-1, 1);
      rows.push([x, 2 * x - 1 + rng.gauss(0, noise)]);
    }
  }
  return rows;
}
