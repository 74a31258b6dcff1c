// gifenc ships no declarations; these cover what tools/faces/preview.ts and tools/app/src/gif.ts use.
declare module "gifenc" {
  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, options?: { palette?: number[][]; delay?: number; repeat?: number; transparent?: boolean }): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  // CommonJS package: Node's ESM import sees only the default export (tools/faces/preview.ts).
  const gifenc: { GIFEncoder(): Encoder };
  export default gifenc;
  // Its ES module build (what Vite bundles for the page, tools/app/src/gif.ts) exports it by name.
  export function GIFEncoder(): Encoder;
}
