import { describe, expect, it, vi } from 'vitest';
import { MediaError } from '../media';
import { within, type Opened } from './transport';

const opened = () => ({ drop: vi.fn(async () => undefined) }) as unknown as Opened & { drop: ReturnType<typeof vi.fn> };
const later = <T>(ms: number, v: T) => new Promise<T>((res) => setTimeout(() => res(v), ms));
const failLater = (ms: number, e: Error) => new Promise<Opened>((_, rej) => setTimeout(() => rej(e), ms));

describe('within', () => {
  it('passes an opening that comes in time', async () => {
    const o = opened();
    await expect(within(later(5, o), 200, 'a.mp4')).resolves.toBe(o);
    await expect(within(failLater(5, new MediaError('"a.mp4" is empty')), 200, 'a.mp4')).rejects.toThrow('"a.mp4" is empty');
  });
  it('refuses one that never answers, naming the file, and lets go of it if it opens later', async () => {
    const o = opened();
    const t0 = performance.now();
    await expect(within(later(120, o), 30, 'stuck.mp4')).rejects.toThrow(/^"stuck\.mp4" gave no answer within 0\.03 s/);
    expect(performance.now() - t0).toBeLessThan(110);
    await later(150, null);
    expect(o.drop).toHaveBeenCalledTimes(1);
  });
  it('a late failure changes nothing', async () => {
    const r = within(failLater(60, new Error('late')), 20, 'x.mp4');
    await expect(r).rejects.toThrow('gave no answer');
    await later(80, null); // no unhandled rejection
  });
});
