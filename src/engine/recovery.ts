// Device loss (a driver reset, a GPU process crash, device.destroy() in the tests): the engine
// rebuilds on a new device, keeping the media, the view, the modes and the engine picked, and the
// same frame comes back.

export interface RecoveryHooks {
  /** the device in use now (a loss of an older one is not ours to handle) */
  current(): GPUDevice | null;
  disposed(): boolean;
  notice(msg: string): void;
  fail(msg: string): void;
  /** tears down what lived on the lost device and builds it again; returns the new device */
  rebuild(): Promise<GPUDevice>;
}

export class DeviceRecovery {
  /** recoveries done (tests wait on it) */
  count = 0;
  private busy = false;

  constructor(private readonly hooks: RecoveryHooks) {}

  watch(device: GPUDevice): void {
    void device.lost.then((info) => {
      const h = this.hooks;
      if (h.disposed() || h.current() !== device) return;
      h.notice(`GPU device lost (${info.reason || 'unknown'}${info.message ? ': ' + info.message : ''}); recovering…`);
      void this.recover();
    });
  }

  private async recover(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.watch(await this.hooks.rebuild());
      this.count++;
      this.hooks.notice('recovered from a lost GPU device');
    } catch (e) {
      this.hooks.fail(`the GPU device was lost and could not be recreated: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }
}
