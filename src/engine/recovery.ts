// Device loss (a driver reset, a GPU process crash, device.destroy() in the tests): the engine
// rebuilds on a new device, keeping the media, the view, the modes and the engine picked, and the
// same frame comes back.
import type { Told } from './snapshot';

/** What recovery reads of the player and asks of it (engine.ts is the player). */
export interface RecoveryPlayer {
  /** the device in use now (a loss of an older one is not ours to handle) */
  readonly platform: { readonly gpu: { readonly device: GPUDevice } | null } | null;
  readonly disposed: boolean;
  /** tears down what lived on the lost device and builds it again; returns the new device */
  rebuildDevice(): Promise<GPUDevice>;
  tell(p: Told): void;
}

export class DeviceRecovery {
  /** recoveries done (tests wait on it) */
  count = 0;
  private busy = false;

  constructor(private readonly player: RecoveryPlayer) {}

  watch(device: GPUDevice): void {
    void device.lost.then((info) => {
      const p = this.player;
      if (p.disposed || (p.platform?.gpu?.device ?? null) !== device) return;
      p.tell({ notice: `GPU device lost (${info.reason || 'unknown'}${info.message ? ': ' + info.message : ''}); recovering…` });
      void this.recover();
    });
  }

  private async recover(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.watch(await this.player.rebuildDevice());
      this.count++;
      this.player.tell({ notice: 'recovered from a lost GPU device' });
    } catch (e) {
      this.player.tell({ error: `the GPU device was lost and could not be recreated: ${(e as Error).message}` });
    } finally {
      this.busy = false;
    }
  }
}
