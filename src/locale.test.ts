import { describe, expect, it } from 'vitest';
import { usableLocale } from './locale';

describe('usableLocale', () => {
  it('skips tags Intl refuses and keeps the first it takes', () => {
    expect(() => new Intl.NumberFormat('C')).toThrow(RangeError);
    expect(usableLocale(['C', 'de-DE', 'fr'])).toBe('de-DE');
    expect(new Intl.NumberFormat(usableLocale(['C', 'de-DE'])).format(1.5)).toBe('1,5');
  });

  it('falls back to en-US when none is usable', () => {
    expect(usableLocale(['C', ''])).toBe('en-US');
    expect(usableLocale([])).toBe('en-US');
  });
});
