// WebKit reports a decoded frame's unknown colour properties as 'unspecified' (VideoColorSpace's
// primaries, transfer), a value outside WebCodecs' enums, where the spec and the other engines say
// null. mediabunny checks the frame's colour space against those enums and refuses the frame (the
// demo clip, tagged with a matrix only, as many files are, could not be shown in WebKit). Values
// outside the enums are read as null here, once for the page: what is not known is left out, and
// the conversion still has the matrix that is known.

const KNOWN = {
  primaries: ['bt709', 'bt470bg', 'smpte170m', 'bt2020', 'smpte432'],
  transfer: ['bt709', 'smpte170m', 'iec61966-2-1', 'linear', 'pq', 'hlg'],
  matrix: ['rgb', 'bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl'],
} as const;

/** A colour space's members, with values outside WebCodecs' enums as null. */
export function knownColorSpace(cs: VideoColorSpaceInit): VideoColorSpaceInit {
  const pick = <K extends keyof typeof KNOWN>(k: K) => ((KNOWN[k] as readonly string[]).includes(cs[k] as string) ? cs[k] : null);
  return { primaries: pick('primaries'), transfer: pick('transfer'), matrix: pick('matrix'), fullRange: typeof cs.fullRange === 'boolean' ? cs.fullRange : null };
}

let installed = false;

/** Makes VideoColorSpace's getters and toJSON answer knownColorSpace's values, where the browser
 *  reports any other (feature-tested on each read: a browser that keeps to the enums is unchanged). */
export function guardColorSpaces(): void {
  if (installed || typeof VideoColorSpace === 'undefined') return;
  installed = true;
  const proto = VideoColorSpace.prototype;
  for (const k of Object.keys(KNOWN) as (keyof typeof KNOWN)[]) {
    const d = Object.getOwnPropertyDescriptor(proto, k);
    if (!d?.get) continue;
    const get = d.get;
    Object.defineProperty(proto, k, {
      ...d,
      get(this: VideoColorSpace) {
        const v = get.call(this);
        return v == null || (KNOWN[k] as readonly string[]).includes(v) ? v : null;
      },
    });
  }
  const toJSON = proto.toJSON;
  proto.toJSON = function (this: VideoColorSpace) {
    return knownColorSpace(toJSON.call(this));
  };
}
