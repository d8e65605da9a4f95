// Types of build-wasm.mjs, for the unit test that rebuilds the kernel.
export declare const KERNEL_SOURCE: string;
export declare function buildKernel(): Promise<Uint8Array>;
export declare function kernelModule(bytes: Uint8Array): string;
