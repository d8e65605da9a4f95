import { describe, expect, it } from 'vitest';
import type { Platform } from '../backend';
import { checkInputSize, fitsGpu } from './limits';
import type { MediaInfo } from '../media';

// SwiftShader's limits in Debian Chromium, and WebGPU's defaults
const swiftshader = { maxTextureDimension2D: 8192, maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 };
const defaults = { maxTextureDimension2D: 8192, maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 };

describe('fitsGpu', () => {
  it('takes the 1024x1024 target and refuses 8192x8192 with both limits named', () => {
    expect(fitsGpu(1024, 1024, 64, 4, swiftshader).ok).toBe(true);
    const v = fitsGpu(8192, 8192, 64, 4, swiftshader);
    expect(v.ok).toBe(false);
    expect(v.over).toEqual(['output 32768x32768 > maxTextureDimension2D 8192', 'model tensors of 16384 MiB > the 1024 MiB buffer limit']);
    expect(v.maxSquare).toBe(2048);
  });
  it('counts the widest activation, not only the output', () => {
    // 1024x1024 C=64 fp32: 256 MiB activations, over the default 128 MiB binding limit
    expect(fitsGpu(1024, 1024, 64, 4, defaults).over).toEqual(['model tensors of 256 MiB > the 128 MiB buffer limit']);
    expect(fitsGpu(1024, 1024, 64, 2, defaults).ok).toBe(true);
    expect(fitsGpu(1024, 1024, 32, 2, defaults).ok).toBe(true);
    expect(fitsGpu(724, 724, 64, 4, defaults).ok).toBe(true);
    expect(fitsGpu(725, 725, 64, 4, defaults).ok).toBe(false);
    expect(fitsGpu(1, 1, 64, 4, defaults).maxSquare).toBe(724);
  });
  it('checks each side: a 2049-pixel-wide strip is refused', () => {
    expect(fitsGpu(2049, 8, 64, 4, swiftshader).over).toEqual(['output 8196x32 > maxTextureDimension2D 8192']);
  });
});

describe('checkInputSize', () => {
  const info = (width: number, height: number) => ({ name: 'big.mp4', width, height }) as unknown as MediaInfo;
  const platform = (backend: 'webgpu' | 'wasm') => ({ backend, dtype: 'fp32', gpu: { device: { limits: swiftshader } } }) as unknown as Platform;
  it("the WASM backend's frames go through the CPU: its own limit, not the GPU's, even where there is a GPU", () => {
    // the 5 000-file fuzz run: a damaged header's 8192x8192 on WASM was "too large to upscale 4x on this GPU"
    expect(() => checkInputSize(info(8192, 8192), platform('wasm'), 32)).toThrow(/too large for the CPU \(WASM\) path, which takes up to 1920x1088/);
    expect(() => checkInputSize(info(1920, 1080), platform('wasm'), 32)).not.toThrow();
    expect(() => checkInputSize(info(8192, 8192), platform('webgpu'), 32)).toThrow(/too large to upscale 4x on this GPU \(output 32768x32768/);
    expect(() => checkInputSize(info(1024, 1024), platform('webgpu'), 32)).not.toThrow();
  });
});
