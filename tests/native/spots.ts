/*
 * Byte positions of a .tflite model's structure, for the structure-aware fuzzer (tests/native/fuzz.c):
 * FlatBuffer offsets, vtable entries, vector lengths, tensor shapes, types, buffer indices,
 * quantization scales and zero points, operator codes, operator tensor indices and option fields.
 * Read from the shipped (trusted) model with the flatbuffers package.
 */
import { ByteBuffer } from "flatbuffers";

export function modelSpots(bytes: Uint8Array): string {
  const bb = new ByteBuffer(bytes);
  const out: string[] = [];
  const spot = (kind: string, pos: number) => out.push(`${kind} ${pos}`);
  const table = (t: number) => {
    const vt = t - bb.readInt32(t);
    spot("i32", t);
    const size = bb.readUint16(vt);
    for (let p = vt; p < vt + size; p += 2) spot("u16", p);
  };
  const field = (t: number, i: number) => {
    const o = bb.__offset(t, 4 + 2 * i);
    return o ? t + o : 0;
  };
  const scalar = (kind: string, t: number, i: number) => {
    const f = field(t, i);
    if (f) spot(kind, f);
  };
  // A vector field: its offset and length, then `each` on every element position (at most `limit`).
  const vector = (t: number, i: number, elem: number, each?: (pos: number) => void, limit = 1 << 30) => {
    const f = field(t, i);
    if (!f) return;
    spot("u32off", f);
    const start = bb.__vector(f);
    spot("len", start - 4);
    const n = bb.__vector_len(f);
    for (let k = 0; k < n && k < limit; k++) each?.(start + elem * k);
  };
  const tables = (t: number, i: number, each: (table: number) => void) =>
    vector(t, i, 4, (p) => {
      spot("u32off", p);
      const sub = p + bb.readUint32(p);
      table(sub);
      each(sub);
    });

  spot("u32off", 0);
  const model = bb.readUint32(0);
  table(model);
  scalar("i32", model, 0);
  tables(model, 1, (oc) => {
    scalar("u8", oc, 0);
    scalar("i32", oc, 3);
  });
  tables(model, 4, (b) => vector(b, 0, 1));
  tables(model, 2, (sg) => {
    tables(sg, 0, (t) => {
      vector(t, 0, 4, (p) => spot("i32", p));
      scalar("u8", t, 1);
      scalar("i32", t, 2);
      const q = field(t, 4);
      if (q) {
        spot("u32off", q);
        const qt = q + bb.readUint32(q);
        table(qt);
        vector(qt, 2, 4, (p) => spot("f32", p), 4);
        vector(qt, 3, 8, (p) => spot("i64", p), 4);
        scalar("i32", qt, 6);
      }
    });
    vector(sg, 1, 4, (p) => spot("i32", p));
    vector(sg, 2, 4, (p) => spot("i32", p));
    tables(sg, 3, (o) => {
      scalar("i32", o, 0);
      vector(o, 1, 4, (p) => spot("i32", p));
      vector(o, 2, 4, (p) => spot("i32", p));
      scalar("u8", o, 3);
      const f = field(o, 4);
      if (f) {
        spot("u32off", f);
        const opt = f + bb.readUint32(f);
        table(opt);
        for (let i = 0; i < 8; i++) scalar((field(opt, i) & 3) === 0 ? "i32" : "u8", opt, i);
      }
    });
  });
  return out.join("\n") + "\n";
}
