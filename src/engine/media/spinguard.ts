// A demuxer stuck on one spot. mediabunny 1.61's Matroska demuxer can loop without end on garbage
// where a level-1 element should be: its resync never moves past the last 8 bytes of the range it
// searches, and it "finds" a valid element ID right where the header it could not read starts. It
// then re-reads the same bytes forever, synchronously (they come from its cache), and the page
// froze (the drop fuzzer, e2e/fuzz.spec.ts, found four zeroed or flipped copies of odd33x19.webm in 5 000). Every read
// goes through the Input's reader (an internal of mediabunny); the same start read this many times
// before the page gets to do anything else throws instead, and the file gets its message.
// e2e/drops.spec.ts ("stuck") fails if the reader moves.
import type { Input } from 'mediabunny';

/** Far more reads of one spot in one go than any demuxer makes while moving through a file. */
export const SAME_READS = 10_000;

type ReadRange = (start: number, minLength: number, maxLength: number) => unknown;

/** Guards `input`'s reads from here on (call it once the format is known: its reader exists). */
export function guardReads(input: Input): void {
  const reader = (input as unknown as { _reader?: { requestSliceRange: ReadRange } })._reader;
  if (reader) reader.requestSliceRange = stuckGuard(reader.requestSliceRange.bind(reader));
}

/** `read`, throwing when one start is read more than SAME_READS times without the event loop
 *  turning (a loop that never yields; a long session re-reads its spots across many tasks). */
export function stuckGuard(read: ReadRange, later: (f: () => void) => void = (f) => setTimeout(f, 0)): ReadRange {
  const counts = new Map<number, number>();
  let resetting = false;
  return (start, min, max) => {
    if (!resetting) {
      resetting = true;
      later(() => {
        counts.clear();
        resetting = false;
      });
    }
    const n = (counts.get(start) ?? 0) + 1;
    if (n > SAME_READS) throw new Error(`the demuxer is stuck, reading byte ${start} over and over (a damaged structure it cannot skip)`);
    if (counts.size < 65_536 || counts.has(start)) counts.set(start, n);
    return read(start, min, max);
  };
}
