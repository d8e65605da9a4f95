// What an export can write on this browser, asked before it starts: per container, the video
// codecs whose encoder takes the output size (4096x4096 is past H.264 level 5.2, for one), and what
// happens to the sound (copied as it is, transcoded, or, said before starting, lost).
import { canEncodeAudio, canEncodeVideo, Mp4OutputFormat, WebMOutputFormat, type AudioCodec, type OutputFormat, type VideoCodec } from 'mediabunny';
import type { AudioInfo } from '../media';

export type Container = 'mp4' | 'webm';
export type ExportQuality = 'medium' | 'high' | 'very-high';
/** 'output': the 4x output; 'comparison': bicubic | model side by side, for sharing */
export type ExportContent = 'output' | 'comparison';

export const CONTAINERS: Container[] = ['mp4', 'webm'];
/** In order of preference: the best compression first, then the most widely played. */
const VIDEO_CODECS: Record<Container, VideoCodec[]> = { mp4: ['av1', 'hevc', 'vp9', 'avc'], webm: ['av1', 'vp9', 'vp8'] };
export const CODEC_NAMES: Record<string, string> = { av1: 'AV1', hevc: 'HEVC', vp9: 'VP9', vp8: 'VP8', avc: 'H.264' };

/** Bits per output pixel per frame, by quality level, for H.264; the other codecs need less for the
 *  same quality. Upscaled video is what the export is for, so its detail gets the bits: "high" is
 *  about 36 Mbit/s of AV1 at 4096x4096, 30 fps. */
const BPP: Record<ExportQuality, number> = { medium: 0.04, high: 0.08, 'very-high': 0.16 };
const EFFICIENCY: Record<string, number> = { avc: 1, hevc: 0.6, vp9: 0.6, av1: 0.45, vp8: 1.2 };
/** Below this a small video is starved by any per-pixel rule (codec overheads dominate). */
const FLOOR_BPS: Record<ExportQuality, number> = { medium: 0.5e6, high: 1e6, 'very-high': 2e6 };

/** The target bitrate (bit/s) for `codec` at w x h and `fps`. */
export function videoBitrate(codec: VideoCodec, w: number, h: number, fps: number, q: ExportQuality): number {
  const perPixel = BPP[q] * (EFFICIENCY[codec] ?? 1);
  return Math.round(Math.max(FLOOR_BPS[q], perPixel * w * h * Math.min(Math.max(fps, 1), 120)));
}

export function outputFormat(c: Container): OutputFormat {
  return c === 'mp4' ? new Mp4OutputFormat({ fastStart: false }) : new WebMOutputFormat();
}

export interface SoundPlan {
  /** 'copy': the source's packets as they are; 'transcode': decoded and encoded to `codec`; 'none': no sound in the file */
  action: 'copy' | 'transcode' | 'none';
  codec: AudioCodec | null;
  /** for the dialog, e.g. "AAC, copied as it is" or why the sound cannot be kept */
  text: string;
}

export interface ContainerPlan {
  container: Container;
  /** encodable at the output size, in order of preference */
  codecs: VideoCodec[];
  /** codecs of this container that no encoder here takes at this size (said in the dialog) */
  refused: VideoCodec[];
  sound: SoundPlan;
}

export interface ExportPlan {
  width: number;
  height: number;
  containers: ContainerPlan[];
}

/** The sound of `audio` in container `c`: copied where the container takes its codec, else transcoded
 *  to the first codec of the container this browser encodes; otherwise it cannot be kept. */
export async function soundPlan(audio: AudioInfo | null, format: OutputFormat): Promise<SoundPlan> {
  if (!audio) return { action: 'none', codec: null, text: 'the source has no sound' };
  const takes = format.getSupportedAudioCodecs();
  const name = audio.codec.toUpperCase();
  if ((takes as string[]).includes(audio.codec)) return { action: 'copy', codec: audio.codec as AudioCodec, text: `${name}, copied as it is (no re-encoding)` };
  if (!audio.decodable) return { action: 'none', codec: null, text: `the sound (${name}) cannot be kept: this container does not take ${name} and this browser cannot decode it to transcode it` };
  for (const c of takes) {
    if (await canEncodeAudio(c, { numberOfChannels: audio.channels, sampleRate: audio.sampleRate })) {
      return { action: 'transcode', codec: c, text: `${name} transcoded to ${c.toUpperCase()} (this container does not take ${name})` };
    }
  }
  return { action: 'none', codec: null, text: `the sound (${name}) cannot be kept: this container does not take ${name} and this browser has no encoder for any codec it takes` };
}

/** WebKitGTK's GStreamer encoder probe takes the web process down when VideoEncoder.isConfigSupported
 *  comes before any decoder call in the page (seen in 2.50.6). A video plays before its export is
 *  planned, so the player does not meet it today; one decoder question first keeps it so whatever
 *  the order. Elsewhere it costs a resolved promise. */
async function decoderFirst(): Promise<void> {
  if (typeof VideoDecoder === 'undefined') return;
  await VideoDecoder.isConfigSupported({ codec: 'vp8' }).catch(() => undefined);
}

export async function planExport(width: number, height: number, audio: AudioInfo | null): Promise<ExportPlan> {
  await decoderFirst();
  const containers: ContainerPlan[] = [];
  for (const container of CONTAINERS) {
    const format = outputFormat(container);
    const takes = format.getSupportedVideoCodecs();
    const codecs: VideoCodec[] = [], refused: VideoCodec[] = [];
    for (const c of VIDEO_CODECS[container].filter((x) => takes.includes(x))) {
      if (await canEncodeVideo(c, { width, height }).catch(() => false)) codecs.push(c);
      else refused.push(c);
    }
    containers.push({ container, codecs, refused, sound: await soundPlan(audio, format) });
  }
  return { width, height, containers };
}
