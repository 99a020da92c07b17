/**
 * Cuts ffmpeg's rawvideo output (a byte stream on a pipe, in chunks of any size) into frames of
 * `size` bytes, each copied once into a buffer of its own that the receiver may keep and change.
 */
export class RawFrameSplitter {
  private frame?: Buffer;
  private filled = 0;

  constructor(private readonly size: number, private readonly onFrame: (data: Buffer) => void) {}

  push(chunk: Buffer): void {
    for (let off = 0; off < chunk.length; ) {
      const frame = (this.frame ??= Buffer.allocUnsafe(this.size));
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
