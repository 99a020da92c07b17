/**
 * Cuts ffmpeg's rawvideo output (a byte stream on a pipe, in chunks of any size) into frames of
 * `size` bytes, each copied once into a buffer of its own that the receiver may keep and change.
 * `alloc` may hand out recycled buffers of `size` bytes (a FramePool), sparing the garbage collector.
 */
export class RawFrameSplitter {
  private frame?: Buffer;
  private filled = 0;

  constructor(
    private readonly size: number,
    private readonly onFrame: (data: Buffer) => void,
    private readonly alloc: (size: number) => Buffer = (n) => Buffer.allocUnsafe(n),
  ) {}

  /** Bytes of a frame begun and not complete (non-zero at the end of a stream: it ended inside a frame). */
  get partial(): number {
    return this.filled;
  }

  push(chunk: Buffer): void {
    for (let off = 0; off < chunk.length;) {
      const frame = (this.frame ??= this.alloc(this.size));
      const take = Math.min(this.size - this.filled, chunk.length - off);
      chunk.copy(frame, this.filled, off, off + take);
      this.filled += take;
      off += take;
      if (this.filled === this.size) {
        this.frame = undefined;
        this.filled = 0;
        this.onFrame(frame);
      }
    }
  }
}

/** Frame buffers of one size for reuse: one taken is given back once nothing reads it any more. */
export class FramePool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep = 16,
  ) {}

  take = (): Buffer => this.free.pop() ?? Buffer.allocUnsafe(this.size);

  give(buf: Buffer): void {
    if (buf.length === this.size && this.free.length < this.keep) this.free.push(buf);
  }
}
