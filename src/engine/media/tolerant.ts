// Decoding that keeps what it had. mediabunny's VideoSampleSink decodes a few frames ahead and,
// when the decoder fails on a damaged packet (or the demuxer on a packet it cannot read), throws
// at once and closes the good frames it had queued: the player heard of a break at 1.5 s when
// 0.05 s in, and lost the frames before it. This sink instead stops feeding at the failure, hands
// out every frame decoded before it and ends, and the caller throws `failure` (frames() in
// index.ts); when mediabunny's pump and its consumer would wait on each other (its read-ahead
// full, its queue empty), the error goes through mediabunny's own path, which wakes the consumer
// and then has no good frame left to lose. It reaches into
// two internal methods of mediabunny 1.61 (_createDecoder, _createPacketSink); e2e/drops.spec.ts
// ("breaks mid-stream") fails if they change.
import { EncodedPacketSink, VideoSampleSink, type EncodedPacket, type InputVideoTrack, type PacketRetrievalOptions } from 'mediabunny';

/** The part of mediabunny's internal decoder wrapper that its sample pump calls. */
interface PumpDecoder {
  decode(packet: EncodedPacket): void;
  flush(): Promise<void>;
  close(): void;
  getDecodeQueueSize(): number;
}

type CreateDecoder = (onSample: (s: unknown) => void, onError: (e: unknown) => void) => Promise<PumpDecoder>;

/** Packets until the sink has failed; a packet that cannot be read is a failure, not an exception. */
class StoppingPacketSink extends EncodedPacketSink {
  constructor(
    track: InputVideoTrack,
    private readonly owner: TolerantVideoSink,
  ) {
    super(track);
  }

  override async *packets(start?: EncodedPacket, end?: EncodedPacket, options?: PacketRetrievalOptions): AsyncGenerator<EncodedPacket, void, unknown> {
    try {
      for await (const p of super.packets(start, end, options)) {
        if (this.owner.failure) return;
        yield p;
      }
    } catch (e) {
      this.owner.fail(e);
    }
  }
}

/** One per iteration: `failure` is that iteration's. */
export class TolerantVideoSink extends VideoSampleSink {
  /** what stopped decoding (null: nothing, or not yet) */
  failure: Error | null = null;
  /** a decode() refused by a codec already closed by its error, until the error itself arrives */
  private closedCall: Error | null = null;
  /** mediabunny's own error path: it wakes a consumer waiting on an empty queue (and throws) */
  private passOn: ((e: unknown) => void) | null = null;
  private passedOn = false;
  /** the caller is in next(), which returns at once while frames are queued */
  private waiting = false;

  constructor(private readonly videoTrack: InputVideoTrack) {
    super(videoTrack);
  }

  fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
    this.passOnIfStuck();
  }

  /** The next frame of `it` (an iteration of this sink's samples()). */
  async next<T>(it: AsyncIterator<T>): Promise<IteratorResult<T>> {
    this.waiting = true;
    this.passOnIfStuck();
    try {
      return await it.next();
    } finally {
      this.waiting = false;
    }
  }

  /** After a failure, a next() still waiting a task later has an empty queue behind it: nothing
   *  more will come, so the error goes through mediabunny, costing no good frame. */
  private passOnIfStuck(): void {
    if (!this.failure || this.passedOn || !this.waiting) return;
    setTimeout(() => {
      if (!this.waiting || this.passedOn || !this.passOn) return;
      this.passedOn = true;
      this.passOn(this.failure);
    }, 0);
  }

  /** @internal mediabunny calls it once per samples() iteration */
  async _createDecoder(onSample: (s: unknown) => void, onError: (e: unknown) => void): Promise<PumpDecoder> {
    const create = (VideoSampleSink.prototype as unknown as { _createDecoder: CreateDecoder })._createDecoder;
    this.passOn = onError;
    const inner = await create.call(this, onSample, (e) => this.fail(e));
    return {
      decode: (p) => {
        if (this.failure || this.closedCall) return;
        try {
          inner.decode(p);
        } catch (e) {
          // the codec closed itself on an error whose callback (a task already queued) says more
          this.closedCall = e as Error;
          setTimeout(() => this.fail(this.closedCall), 0);
        }
      },
      flush: async () => {
        if (this.failure || this.closedCall) return;
        try {
          await inner.flush();
        } catch (e) {
          this.fail(e);
        }
      },
      close: () => {
        try {
          inner.close();
        } catch {
          /* already closed by its error */
        }
      },
      getDecodeQueueSize: () => (this.failure || this.closedCall ? 0 : inner.getDecodeQueueSize()),
    };
  }

  /** @internal */
  _createPacketSink(): EncodedPacketSink {
    return new StoppingPacketSink(this.videoTrack, this);
  }
}
