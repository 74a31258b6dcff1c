// gifenc ships no declarations; these cover what tools/faces/preview.ts uses.
declare module "gifenc" {
  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, options?: { palette?: number[][]; delay?: number; repeat?: number; transparent?: boolean }): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  // CommonJS package: Node's ESM import sees only the default export.
  const gifenc: { GIFEncoder(): Encoder };
  export default gifenc;
}
