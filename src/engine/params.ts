/** URL overrides: ?backend=webgpu|wasm, ?model=<id> or <same-origin path or URL>.onnx,
 *  ?psnr=reference|consistency, ?view=full|low|high, ?engine=auto|ort|wgsl, ?save=picker|download, ?demo=0 */
import type { EngineChoice } from './inference/types';

export type BackendChoice = 'webgpu' | 'wasm';
export type ViewMode = 'full' | 'low' | 'high';
export type PsnrMode = 'reference' | 'consistency';

export interface UrlParams {
  backend: BackendChoice | null;
  model: string | null;
  /** ?model=<path>.onnx: a user's model on the page's own origin (as given; the host fetches it) */
  modelUrl: string | null;
  psnr: PsnrMode | null;
  view: ViewMode | null;
  /** which engine runs the model on WebGPU (auto: the first frame picks) */
  engine: EngineChoice;
  /** how an export is saved: the file picker where the browser has one (default), or a download */
  save: 'picker' | 'download';
  demo: boolean;
  /** human-readable notes about ignored values */
  warnings: string[];
}

const oneOf = <T extends string>(v: string | null, allowed: readonly T[], name: string, warnings: string[]): T | null => {
  if (v === null || v === '') return null;
  const l = v.toLowerCase();
  if ((allowed as readonly string[]).includes(l)) return l as T;
  warnings.push(`ignored ?${name}=${v} (expected ${allowed.join(' | ')})`);
  return null;
};

/** `origin`: the page's (a URL elsewhere is refused: the page loads only its own files). */
export function parseParams(search: string, origin: string | null = null): UrlParams {
  const q = new URLSearchParams(search);
  const warnings: string[] = [];
  const modelRaw = q.get('model');
  let model: string | null = null, modelUrl: string | null = null;
  if (modelRaw && /\.onnx$/i.test(modelRaw) && !/[\s\\]/.test(modelRaw)) {
    const absolute = /^[a-z][a-z0-9+.-]*:|^\/\//i.test(modelRaw);
    let at: string | null = null;
    try {
      at = absolute ? new URL(modelRaw).origin : null;
    } catch {
      at = 'an invalid URL';
    }
    if (!absolute || (origin !== null && at === origin)) modelUrl = modelRaw;
    else warnings.push(`ignored ?model=${modelRaw} (not on this page's origin: the player loads only its own files)`);
  } else if (modelRaw) {
    if (/^[A-Za-z0-9._-]{1,100}$/.test(modelRaw)) model = modelRaw;
    else warnings.push(`ignored ?model=${modelRaw} (not a model id, nor a path to an .onnx file)`);
  }
  return {
    backend: oneOf(q.get('backend'), ['webgpu', 'wasm'] as const, 'backend', warnings),
    model,
    modelUrl,
    psnr: oneOf(q.get('psnr'), ['reference', 'consistency'] as const, 'psnr', warnings),
    view: oneOf(q.get('view'), ['full', 'low', 'high'] as const, 'view', warnings),
    engine: oneOf(q.get('engine'), ['auto', 'ort', 'wgsl'] as const, 'engine', warnings) ?? 'auto',
    save: oneOf(q.get('save'), ['picker', 'download'] as const, 'save', warnings) ?? 'picker',
    demo: q.get('demo') !== '0',
    warnings,
  };
}
