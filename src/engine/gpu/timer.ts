// The model's GPU time without stalling the frame loop: a timestamp after packing and one before
// unpacking, on the GPU's own timeline, resolved and mapped back asynchronously like the PSNR
// sums. Waiting on the queue to time the model (the fallback when the device has no
// timestamp-query) keeps the CPU from preparing the next frame while the GPU works.
import { createBuffer, destroyBuffer } from './resources';

export interface TimerSpan {
  /** Record the closing timestamp and the copy-out (same encoder as the first unpack pass). */
  end(enc: GPUCommandEncoder): void;
  /** After the submit that holds end(): ms between the two timestamps, or nothing if lost. */
  read(cb: (ms: number) => void): void;
  /** The frame failed before end(): give the slot back. */
  cancel(): void;
}

/** Nanoseconds (two u64 timestamps) to ms; null when the GPU reports them out of order (a counter
 *  reset or a driver that clamps), which is not a time. */
function spanMs(t: BigUint64Array): number | null {
  const d = Number(t[1] - t[0]);
  return d >= 0 ? d / 1e6 : null;
}

export class GpuTimer {
  private readonly qs: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly maps: GPUBuffer[] = [];
  private readonly free: number[] = [];
  private disposed = false;

  /** null when the device was created without timestamp-query. */
  static create(device: GPUDevice, slots = 4): GpuTimer | null {
    return device.features.has('timestamp-query') ? new GpuTimer(device, slots) : null;
  }

  private constructor(device: GPUDevice, slots: number) {
    this.qs = device.createQuerySet({ label: 'model time', type: 'timestamp', count: 2 * slots });
    // resolveQuerySet wants 256-byte aligned destinations: one 256-byte row per slot
    this.resolved = createBuffer(device, { label: 'model time resolve', size: 256 * slots, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    for (let i = 0; i < slots; i++) {
      this.maps.push(createBuffer(device, { label: `model time map ${i}`, size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }));
      this.free.push(i);
    }
  }

  /** The opening timestamp; null when every slot still waits for its read-back (that frame goes untimed). */
  begin(enc: GPUCommandEncoder): TimerSpan | null {
    const slot = this.free.pop();
    if (slot === undefined) return null;
    this.mark(enc, 2 * slot);
    return {
      end: (e) => {
        this.mark(e, 2 * slot + 1);
        e.resolveQuerySet(this.qs, 2 * slot, 2, this.resolved, 256 * slot);
        e.copyBufferToBuffer(this.resolved, 256 * slot, this.maps[slot], 0, 16);
      },
      cancel: () => this.free.push(slot),
      read: (cb) => {
        const buf = this.maps[slot];
        buf.mapAsync(GPUMapMode.READ).then(
          () => {
            if (this.disposed) return;
            const ms = spanMs(new BigUint64Array(buf.getMappedRange().slice(0)));
            buf.unmap();
            this.free.push(slot);
            if (ms !== null) cb(ms);
          },
          () => {
            /* device lost or disposed: this frame goes untimed */
          },
        );
      },
    };
  }

  /** A timestamp where the GPU reaches this point of the queue: an empty pass that writes one. */
  private mark(enc: GPUCommandEncoder, index: number): void {
    enc.beginComputePass({ label: 'model time', timestampWrites: { querySet: this.qs, beginningOfPassWriteIndex: index } }).end();
  }

  dispose(): void {
    this.disposed = true;
    this.qs.destroy();
    destroyBuffer(this.resolved);
    for (const b of this.maps) destroyBuffer(b);
  }
}
