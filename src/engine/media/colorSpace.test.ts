import { describe, expect, it } from 'vitest';
import { knownColorSpace } from './colorSpace';

describe('knownColorSpace', () => {
  it('reads values outside WebCodecs\' enums as null and keeps the rest', () => {
    // what WebKitGTK 2.50 reports for the demo clip's first frame
    const webkit = { primaries: 'unspecified', transfer: 'unspecified', matrix: 'smpte170m', fullRange: false } as unknown as VideoColorSpaceInit;
    expect(knownColorSpace(webkit)).toEqual({ primaries: null, transfer: null, matrix: 'smpte170m', fullRange: false });
    // in WebCodecs' enums, though not yet in TypeScript's DOM types
    const full = { primaries: 'bt2020', transfer: 'pq', matrix: 'bt2020-ncl', fullRange: true } as unknown as VideoColorSpaceInit;
    expect(knownColorSpace(full)).toEqual(full);
    expect(knownColorSpace({})).toEqual({ primaries: null, transfer: null, matrix: null, fullRange: null });
  });
});
