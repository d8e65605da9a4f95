import { describe, expect, it } from 'vitest';
import { Drops } from './drops';

const clock = () => {
  let t = 0;
  return { now: () => t, at: (x: number) => (t = x) };
};

describe('Drops', () => {
  it('numbers drops; the newest wins', () => {
    const d = new Drops();
    const a = d.begin('a.mp4'), b = d.begin('b.mp4');
    expect(d.isNewest(a)).toBe(false);
    expect(d.isNewest(b)).toBe(true);
    d.supersede(a);
    d.open(b);
    d.played(b);
    expect(d.answers().map((x) => [x.name, x.outcome])).toEqual([
      ['a.mp4', 'superseded'],
      ['b.mp4', 'played'],
    ]);
  });

  it('shows an older refusal until a newer drop is answered, never after', () => {
    const d = new Drops();
    const a = d.begin('a'), b = d.begin('b');
    expect(d.refuse(a, 'a is bad')).toBe(true); // b is still opening: a's answer shows meanwhile
    expect(d.refuse(b, 'b is bad')).toBe(true);
    const c = d.begin('c'), e = d.begin('e');
    expect(d.refuse(e, 'e is bad')).toBe(true);
    expect(d.refuse(c, 'c is bad')).toBe(false); // e's answer came first and stays
    expect(d.answers().find((x) => x.name === 'c')).toMatchObject({ outcome: 'refused', shown: false, message: 'c is bad' });
  });

  it('a file that breaks mid-stream after a newer drop was refused does not take the banner', () => {
    const d = new Drops();
    const a = d.begin('a');
    d.open(a);
    d.played(a);
    const b = d.begin('b');
    expect(d.refuse(b, 'b is bad')).toBe(true);
    expect(d.fail(a, 'a broke at 1.5 s')).toBe(false);
    expect(d.answers()[0]).toMatchObject({ outcome: 'failed', shown: false, message: 'a broke at 1.5 s' });
    expect(d.holdsBanner).toBe(true);
    const c = d.begin('c');
    expect(d.fail(a, 'a broke again')).toBe(false); // still: b, newer than a, was answered
    d.open(c);
    expect(d.holdsBanner).toBe(false);
    expect(d.fail(c, 'c broke')).toBe(true);
    expect(d.holdsBanner).toBe(true);
    d.released();
    expect(d.holdsBanner).toBe(false);
  });

  it('a failure of the open file shows while a newer drop is still opening', () => {
    const d = new Drops();
    const a = d.begin('a');
    d.open(a);
    d.begin('b');
    expect(d.fail(a, 'a broke')).toBe(true);
  });

  it('times each answer from its drop, and the picture', () => {
    const c = clock(), d = new Drops(c.now);
    c.at(100);
    const a = d.begin('a');
    c.at(350);
    d.open(a);
    c.at(400);
    d.played(a);
    c.at(900);
    d.fail(a, 'broke');
    expect(d.answers()[0]).toMatchObject({ droppedAt: 100, answeredAt: 350, playedAt: 400, outcome: 'failed', message: 'broke' });
  });

  it('keeps the last 512 answers', () => {
    const d = new Drops();
    for (let i = 0; i < 600; i++) d.refuse(d.begin(`f${i}`), 'no');
    const log = d.answers();
    expect(log).toHaveLength(512);
    expect(log[0].name).toBe('f88');
    expect(d.any).toBe(true);
  });
});
