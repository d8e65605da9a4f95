// Opening a file (a drop, the picker, the demo clip) and answering it: it plays, or a message names
// it, unless a newer drop wins first (drops.ts keeps the order and whose message the banner shows).
// Whatever plays goes on until the new file's first frame is decoded.
import type { Platform } from '../backend';
import { Drops } from './drops';
import type { Frames } from '../playback/frames';
import { checkInputSize } from './limits';
import type { MediaInfo } from '../media';
import type { EnginePatch } from '../snapshot';
import { openFirstFrame, type Opened, type Transport } from '../playback/transport';

export interface OpeningHost {
  /** resolves once the platform is chosen: a file dropped before waits for it (its limits decide what fits) */
  readonly platformReady: Promise<void>;
  platform(): Platform | null;
  /** the model's width (what the input-size limit is computed for) */
  channels(): number;
  exporting(): boolean;
  /** the model's own error, which a newly opened file leaves in place */
  modelError(): string | null;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** a file is open: its figures start again at `opened` (performance.now) */
  opened(info: MediaInfo, opened: number): void;
  canShow(): boolean;
  setPlaying(p: boolean): void;
  /** a file's message, for the banner */
  say(msg: string): void;
  onState(p: EnginePatch): void;
}

export class FileOpener {
  /** every drop answered, the newest winning */
  readonly drops = new Drops();
  /** the drop open in the transport */
  private openSeq = 0;

  constructor(
    private readonly transport: Transport,
    private readonly frames: Frames,
    private readonly host: OpeningHost,
  ) {}

  async open(file: Blob, name: string, note: string | null = null): Promise<boolean> {
    const seq = this.drops.begin(name), h = this.host;
    const opened = performance.now();
    try {
      await h.platformReady;
      if (!this.drops.isNewest(seq)) return this.superseded(seq, null);
      let o: Opened;
      try {
        o = await openFirstFrame(file, name, (info) => checkInputSize(info, h.platform(), h.channels()));
      } catch (e) {
        this.refuse(seq, (e as Error).message);
        return false;
      }
      if (!this.drops.isNewest(seq)) return this.superseded(seq, o);
      if (h.exporting()) {
        // the export holds the loop until it ends: the file opens then, and says so now
        const msg = `"${name}" opens when the export ends (cancel the export to open it now)`;
        this.drops.wait(seq, msg);
        h.onState({ error: h.modelError(), notice: msg });
      }
      return await h.exclusive(async () => {
        if (!this.drops.isNewest(seq)) return this.superseded(seq, o);
        await this.transport.replace(o);
        this.openSeq = seq;
        const info = o.media.info;
        h.opened(info, opened);
        this.drops.open(seq);
        h.onState({ media: info, error: h.modelError(), notice: [note, silentNote(info)].filter(Boolean).join('; ') || null, frameIndex: 0, time: info.firstTimestamp });
        await this.frames.showNext(true);
        if (h.canShow()) this.drops.played(seq);
        h.setPlaying(info.kind === 'video');
        return true;
      });
    } catch (e) {
      this.refuse(seq, `"${name}" could not be shown: ${(e as Error).message ?? e}`);
      return false;
    }
  }

  /** The open file's media data failed mid-stream (transport.ts stopped on its last good frame). */
  mediaFailed(msg: string): void {
    if (this.drops.fail(this.openSeq, msg)) this.host.say(msg);
    else console.warn('[sr4x] (a newer file was answered first)', msg);
  }

  /** A newer drop won while this one opened: let go of it. */
  private async superseded(seq: number, o: Opened | null): Promise<false> {
    await o?.drop();
    this.drops.supersede(seq);
    return false;
  }

  private refuse(seq: number, msg: string): void {
    if (this.drops.refuse(seq, msg)) this.host.say(msg);
    else console.warn('[sr4x] (a newer file was answered first)', msg);
  }
}

/** Why a video plays without sound, when it has sound the browser cannot play. */
function silentNote(info: MediaInfo): string | null {
  const a = info.audio;
  return a && !a.decodable ? `"${info.name}" plays silently: this browser cannot decode its audio (${a.codec})` : null;
}
