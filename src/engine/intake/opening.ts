// Opening a file (a drop, the picker, the demo clip) and answering it: it plays, or a message names
// it, unless a newer drop wins first (drops.ts keeps the order and whose message the banner shows).
// Whatever plays goes on until the new file's first frame is decoded.
import type { Platform } from '../backend';
import type { MediaInfo } from '../media';
import type { ModelChoice } from '../models/models';
import type { JobLoop } from '../playback/loop';
import { openFirstFrame, type Opened } from '../playback/transport';
import type { Told } from '../snapshot';
import { Drops } from './drops';
import { checkInputSize } from './limits';

/** What opening.ts reads of the player and asks of it (engine.ts is the player). */
export interface OpeningPlayer {
  /** resolves once the platform is chosen: a file dropped before waits for it (its limits decide what fits) */
  readonly canOpen: Promise<void>;
  readonly platform: Platform | null;
  /** the model's width is what the input-size limit is computed for */
  readonly models: Pick<ModelChoice, 'model'>;
  readonly exporter: { readonly running: boolean };
  /** the model's own error, which a newly opened file leaves in place */
  readonly panes: { readonly modelError: string | null };
  readonly loop: Pick<JobLoop, 'exclusive'>;
  readonly processor: object | null;
  /** `o` is the open file from now on, its figures counted from `opened` (performance.now); its
   *  first frame is shown and it plays */
  begin(o: Opened, opened: number, notice: string | null): Promise<void>;
  tell(p: Told): void;
}

export class FileOpener {
  /** every drop answered, the newest winning */
  readonly drops = new Drops();
  /** the drop open in the transport */
  private openSeq = 0;

  constructor(private readonly p: OpeningPlayer) {}

  async open(file: Blob, name: string, note: string | null = null): Promise<boolean> {
    const seq = this.drops.begin(name), p = this.p;
    const opened = performance.now();
    try {
      await p.canOpen;
      if (!this.drops.isNewest(seq)) return this.superseded(seq, null);
      let o: Opened;
      try {
        o = await openFirstFrame(file, name, (info) => checkInputSize(info, p.platform, p.models.model?.channels ?? 64));
      } catch (e) {
        this.refuse(seq, (e as Error).message);
        return false;
      }
      if (!this.drops.isNewest(seq)) return this.superseded(seq, o);
      if (p.exporter.running) {
        // the export holds the loop until it ends: the file opens then, and says so now
        const msg = `"${name}" opens when the export ends (cancel the export to open it now)`;
        this.drops.wait(seq, msg);
        p.tell({ error: p.panes.modelError, notice: msg });
      }
      return await p.loop.exclusive(async () => {
        if (!this.drops.isNewest(seq)) return this.superseded(seq, o);
        this.openSeq = seq;
        this.drops.open(seq);
        await p.begin(o, opened, [note, silentNote(o.media.info)].filter(Boolean).join('; ') || null);
        if (p.processor) this.drops.played(seq);
        return true;
      });
    } catch (e) {
      this.refuse(seq, `"${name}" could not be shown: ${(e as Error).message ?? e}`);
      return false;
    }
  }

  /** The open file's media data failed mid-stream (transport.ts stopped on its last good frame). */
  mediaFailed(msg: string): void {
    if (this.drops.fail(this.openSeq, msg)) this.p.tell({ fileError: msg });
    else console.warn('[sr4x] (a newer file was answered first)', msg);
  }

  /** A newer drop won while this one opened: let go of it. */
  private async superseded(seq: number, o: Opened | null): Promise<false> {
    await o?.drop();
    this.drops.supersede(seq);
    return false;
  }

  private refuse(seq: number, msg: string): void {
    if (this.drops.refuse(seq, msg)) this.p.tell({ fileError: msg });
    else console.warn('[sr4x] (a newer file was answered first)', msg);
  }
}

/** Why a video plays without sound, when it has sound the browser cannot play. */
function silentNote(info: MediaInfo): string | null {
  const a = info.audio;
  return a && !a.decodable ? `"${info.name}" plays silently: this browser cannot decode its audio (${a.codec})` : null;
}
