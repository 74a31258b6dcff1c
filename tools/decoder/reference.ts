/*
 * A TypeScript reference inference of the decoder's int8 .tflite models: the same FlatBuffer fields
 * and the same TFLM integer arithmetic as the C backend (native/decoder/decoder.c), written
 * independently from the schema and TFLM's reference kernels, so that three implementations (TFLM,
 * C, TypeScript) can be checked against each other. BigInt carries the 64-bit products.
 * Model bytes are hostile: the constructor first runs the structural check both C backends run
 * (native/decoder/model.c, through the addon) and throws its verdict, so all three agree on what
 * they refuse and this reader only ever sees checked models.
 */
import { ByteBuffer } from "flatbuffers";
import { checkModel } from "./native.js";

/** The TFLite builtin operators this reader knows, by code (the C reader's list: native/decoder/model.h MD_OPERATORS; tests/decoder/ops.test.ts keeps them equal). */
export const OPS: Record<number, string> = { 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 5: "DEPTH_TO_SPACE", 9: "FULLY_CONNECTED", 22: "RESHAPE", 97: "RESIZE_NEAREST_NEIGHBOR" };

interface Tensor {
  shape: number[];
  type: number;
  data?: Uint8Array;
  scales: number[];
  zero: number;
}

interface Op {
  code: number;
  /** Byte position of the builtin_code field of this operator's code table (for tests that patch it). */
  codeTable: number;
  inputs: number[];
  output: number;
  options: number; // table position of builtin options, or 0
}

/** Field `i` of the table at `t`: its absolute position, or 0. */
function field(bb: ByteBuffer, t: number, i: number): number {
  const o = bb.__offset(t, 4 + 2 * i);
  return o ? t + o : 0;
}

function vector(bb: ByteBuffer, t: number, i: number): { start: number; length: number } {
  const f = field(bb, t, i);
  if (!f) return { start: 0, length: 0 };
  return { start: bb.__vector(f), length: bb.__vector_len(f) };
}

function int(bb: ByteBuffer, t: number, i: number, size: 1 | 4, dflt: number): number {
  const f = field(bb, t, i);
  if (!f) return dflt;
  return size === 1 ? bb.readInt8(f) : bb.readInt32(f);
}

export class ReferenceModel {
  readonly tensors: Tensor[] = [];
  readonly ops: Op[] = [];
  readonly input: number;
  readonly output: number;
  private readonly bb: ByteBuffer;

  constructor(bytes: Uint8Array) {
    const verdict = checkModel(bytes);
    if (verdict) throw new Error(verdict);
    const bb = (this.bb = new ByteBuffer(bytes));
    const model = bb.readInt32(bb.position()) + bb.position();
    const codes = vector(bb, model, 1);
    const subgraphs = vector(bb, model, 2);
    const buffers = vector(bb, model, 4);
    if (subgraphs.length !== 1) throw new Error(`expected one subgraph, found ${subgraphs.length}`);
    const sg = bb.__indirect(subgraphs.start);
    const tensors = vector(bb, sg, 0);
    for (let i = 0; i < tensors.length; i++) {
      const t = bb.__indirect(tensors.start + 4 * i);
      const shape = vector(bb, t, 0);
      const s: number[] = [];
      for (let k = 0; k < shape.length; k++) s.push(bb.readInt32(shape.start + 4 * k));
      const buffer = int(bb, t, 2, 4, 0);
      let data: Uint8Array | undefined;
      if (buffer > 0 && buffer < buffers.length) {
        const b = bb.__indirect(buffers.start + 4 * buffer);
        const d = vector(bb, b, 0);
        if (d.length) data = bytes.subarray(d.start, d.start + d.length);
      }
      const q = field(bb, t, 4) ? bb.__indirect(field(bb, t, 4)) : 0;
      const scales: number[] = [];
      let zero = 0;
      if (q) {
        const sc = vector(bb, q, 2);
        for (let k = 0; k < sc.length; k++) scales.push(bb.readFloat32(sc.start + 4 * k));
        const zp = vector(bb, q, 3);
        if (zp.length) zero = Number(bb.readInt64(zp.start));
      }
      this.tensors.push({ shape: s, type: int(bb, t, 1, 1, 0), data, scales, zero });
    }
    const inputs = vector(bb, sg, 1);
    const outputs = vector(bb, sg, 2);
    this.input = bb.readInt32(inputs.start);
    this.output = bb.readInt32(outputs.start);
    const ops = vector(bb, sg, 3);
    for (let i = 0; i < ops.length; i++) {
      const o = bb.__indirect(ops.start + 4 * i);
      const oc = bb.__indirect(codes.start + 4 * int(bb, o, 0, 4, 0));
      const code = Math.max(int(bb, oc, 0, 1, 0), int(bb, oc, 3, 4, 0));
      if (!OPS[code]) throw new Error(`unsupported operator (builtin code ${code})`);

      const ins = vector(bb, o, 1);
      const outs = vector(bb, o, 2);
      const opt = field(bb, o, 4) ? bb.__indirect(field(bb, o, 4)) : 0;
      this.ops.push({ code, codeTable: field(bb, oc, 3), inputs: Array.from({ length: ins.length }, (_, k) => bb.readInt32(ins.start + 4 * k)), output: bb.readInt32(outs.start), options: opt });
    }
  }

  /** Byte position of tensor t's first shape value. */
  tensorShapeAt(t: number): number {
    const bb = this.bb;
    const model = bb.readInt32(bb.position()) + bb.position();
    const sg = bb.__indirect(vector(bb, model, 2).start);
    const tensors = vector(bb, sg, 0);
    return vector(bb, bb.__indirect(tensors.start + 4 * t), 0).start;
  }

  get opNames(): string[] {
    return this.ops.map((o) => OPS[o.code]);
  }

  /** Runs the model on an int8 latent; returns the int8 output. */
  run(latent: Int8Array): Int8Array {
    const values = new Map<number, Int8Array>();
    values.set(this.input, latent);
    const get = (i: number): Int8Array => values.get(i) ?? new Int8Array(this.tensors[i].data!.buffer, this.tensors[i].data!.byteOffset, this.tensors[i].data!.length);
    const bb = this.bb;
    for (const op of this.ops) {
      const out = this.tensors[op.output];
      const x = get(op.inputs[0]);
      const size = out.shape.reduce((a, b) => a * b, 1);
      let y: Int8Array;
      if (op.code === 22) y = x.slice();
      else if (op.code === 5) y = depthToSpace(x, this.tensors[op.inputs[0]].shape, out.shape, int(bb, op.options, 0, 4, 0));
      else if (op.code === 9 || op.code === 3) {
        const w = this.tensors[op.inputs[1]];
        const bias = op.inputs[2] >= 0 && op.inputs[2] !== undefined ? new Int32Array(this.tensors[op.inputs[2]].data!.slice().buffer) : undefined;
        const act = op.code === 9 ? int(bb, op.options, 0, 1, 0) : int(bb, op.options, 3, 1, 0);
        const lo = act === 1 || act === 3 ? Math.max(-128, out.zero) : -128;
        const hi = act === 3 ? Math.min(127, out.zero + Math.round(6 / out.scales[0])) : 127;
        const inScale = this.tensors[op.inputs[0]].scales[0];
        const mult = w.scales.map((s) => quantizeMultiplier((inScale * s) / out.scales[0]));
        const wt = new Int8Array(w.data!.buffer, w.data!.byteOffset, w.data!.length);
        const inZero = this.tensors[op.inputs[0]].zero;
        y = new Int8Array(size);
        if (op.code === 9) {
          const depth = w.shape[1];
          for (let u = 0; u < w.shape[0]; u++) {
            let acc = 0;
            for (let d = 0; d < depth; d++) acc += (x[d] - inZero) * wt[u * depth + d];
            acc += bias ? bias[u] : 0;
            const [m, s] = mult[w.scales.length > 1 ? u : 0];
            y[u] = clamp(mbqm(acc, m, s) + out.zero, lo, hi);
          }
        } else {
          const [, ih, iw, ic] = this.tensors[op.inputs[0]].shape;
          const [, oh, ow, oc] = out.shape;
          const [, fh, fw] = w.shape;
          const padding = int(bb, op.options, 0, 1, 0);
          const sw = int(bb, op.options, 1, 4, 1);
          const sh = int(bb, op.options, 2, 4, 1);
          const dw = int(bb, op.options, 4, 4, 1);
          const dh = int(bb, op.options, 5, 4, 1);
          const pad = (stride: number, dil: number, inn: number, f: number, o: number) => (padding === 0 ? Math.max(0, Math.floor(((o - 1) * stride + (f - 1) * dil + 1 - inn) / 2)) : 0);
          const ph = pad(sh, dh, ih, fh, oh);
          const pw = pad(sw, dw, iw, fw, ow);
          for (let oy = 0; oy < oh; oy++)
            for (let ox = 0; ox < ow; ox++)
              for (let c = 0; c < oc; c++) {
                let acc = 0;
                for (let ky = 0; ky < fh; ky++) {
                  const yy = oy * sh - ph + dh * ky;
                  if (yy < 0 || yy >= ih) continue;
                  for (let kx = 0; kx < fw; kx++) {
                    const xx = ox * sw - pw + dw * kx;
                    if (xx < 0 || xx >= iw) continue;
                    for (let k = 0; k < ic; k++) acc += wt[((c * fh + ky) * fw + kx) * ic + k] * (x[(yy * iw + xx) * ic + k] - inZero);
                  }
                }
                acc += bias ? bias[c] : 0;
                const [m, s] = mult[w.scales.length > 1 ? c : 0];
                y[(oy * ow + ox) * oc + c] = clamp(mbqm(acc, m, s) + out.zero, lo, hi);
              }
        }
      } else throw new Error(`the TypeScript reference does not run ${OPS[op.code]}`);
      values.set(op.output, y);
    }
    return values.get(this.output)!;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function depthToSpace(x: Int8Array, ins: number[], outs: number[], bs: number): Int8Array {
  const [, , iw, ic] = ins;
  const [, oh, ow, oc] = outs;
  const y = new Int8Array(oh * ow * oc);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let c = 0; c < oc; c++) y[(oy * ow + ox) * oc + c] = x[(Math.floor(oy / bs) * iw + Math.floor(ox / bs)) * ic + c + ((oy % bs) * bs + (ox % bs)) * oc];
  return y;
}

/** TFLM QuantizeMultiplier: a real multiplier as a Q31 significand and a power-of-two shift. */
export function quantizeMultiplier(m: number): [number, number] {
  if (m === 0) return [0, 0];
  let shift = Math.ceil(Math.log2(Math.abs(m)));
  let s = m / 2 ** shift; // frexp: s in [0.5, 1)
  if (Math.abs(s) >= 1) {
    s /= 2;
    shift++;
  } else if (Math.abs(s) < 0.5) {
    s *= 2;
    shift--;
  }
  let fixed = Math.round(s * 2 ** 31);
  if (fixed === 2 ** 31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return [0, 0];
  return [fixed, shift];
}

/** TFLM MultiplyByQuantizedMultiplier (SaturatingRoundingDoublingHighMul, RoundingDivideByPOT). */
export function mbqm(x: number, q: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const a = BigInt((x * 2 ** left) | 0);
  const b = BigInt(q);
  if (a === -2147483648n && b === -2147483648n) return 2147483647;
  const ab = a * b;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  const high = Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, as C does
  const mask = (1 << right) - 1;
  const remainder = high & mask;
  const threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> right) + (remainder > threshold ? 1 : 0);
}

