// Bit-level writer and reader for the compressed chunks (raw samples and rollups): most bits first,
// whole bytes out.

/** Up to 32 bits at a time; callers split wider values into two halves. */
export class BitWriter {
  #bytes = new Uint8Array(256);
  #length = 0;
  /** Bits not yet written out, fewer than 8, in the low bits. */
  #pending = 0;
  #pendingBits = 0;

  write(value: number, bits: number): void {
    let left = bits;
    while (left > 0) {
      const take = Math.min(8 - this.#pendingBits, left);
      left -= take;
      const part = (value >>> left) & ((1 << take) - 1);
      this.#pending = (this.#pending << take) | part;
      this.#pendingBits += take;
      if (this.#pendingBits === 8) {
        this.#push(this.#pending);
        this.#pending = 0;
        this.#pendingBits = 0;
      }
    }
  }

  writeBit(bit: boolean): void {
    this.write(bit ? 1 : 0, 1);
  }

  /** A non-negative integer below 2^64 that a double holds exactly (below 2^53). */
  writeWide(value: number, bits: number): void {
    if (bits <= 32) {
      this.write(value >>> 0, bits);
      return;
    }
    this.write(Math.floor(value / 2 ** 32) >>> 0, bits - 32);
    this.write(value >>> 0, 32);
  }

  /**
   * Elias gamma code of an integer from 1 to 2^32 - 1: as many zero bits as it has bits after its
   * first, then its bits. 1 takes one bit, 2–3 three, 4–7 five: short for the lengths of runs.
   */
  writeGamma(value: number): void {
    const length = 31 - Math.clz32(value);
    if (length > 0) this.write(0, length);
    this.write(value, length + 1);
  }

  /** LEB128, for the byte-aligned header. */
  writeVarint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.#push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.#push(rest);
  }

  #push(byte: number): void {
    if (this.#length === this.#bytes.length) {
      const bigger = new Uint8Array(this.#bytes.length * 2);
      bigger.set(this.#bytes);
      this.#bytes = bigger;
    }
    this.#bytes[this.#length++] = byte;
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    if (this.#pendingBits > 0) {
      this.#push(this.#pending << (8 - this.#pendingBits));
      this.#pending = 0;
      this.#pendingBits = 0;
    }
    return this.#bytes.slice(0, this.#length);
  }
}

export class BitReader {
  #at = 0;
  /** Bits of the current byte still to read. */
  #bitsLeft = 0;
  #byte = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The next byte to read, after varints (whole bytes) only. */
  get position(): number {
    return this.#at;
  }

  read(bits: number): number {
    let value = 0;
    let left = bits;
    while (left > 0) {
      if (this.#bitsLeft === 0) {
        if (this.#at >= this.bytes.length) throw new RangeError("chunk ends early");
        this.#byte = this.bytes[this.#at++] as number;
        this.#bitsLeft = 8;
      }
      const take = Math.min(this.#bitsLeft, left);
      this.#bitsLeft -= take;
      left -= take;
      const part = (this.#byte >>> this.#bitsLeft) & ((1 << take) - 1);
      value = ((value << take) | part) >>> 0;
    }
    return value;
  }

  readBit(): boolean {
    return this.read(1) === 1;
  }

  readWide(bits: number): number {
    if (bits <= 32) return this.read(bits);
    const high = this.read(bits - 32);
    return high * 2 ** 32 + this.read(32);
  }

  readGamma(): number {
    let length = 0;
    while (!this.readBit()) {
      if (++length > 31) throw new RangeError("chunk is corrupt: gamma code too long");
    }
    return length === 0 ? 1 : 2 ** length + this.read(length);
  }

  /** Only before any bits were read. */
  readVarint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.#at >= this.bytes.length) throw new RangeError("chunk ends early");
      const byte = this.bytes[this.#at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }
}
