/*
 * The program XS runs on the emulated ESP32-S3: the firmware's own modules (emotion engine,
 * animator on the shipped frame pack, SSD1306 driver) against an in-memory I2C bus, with
 * instruction counts read from the guest's CCOUNT (runner.c's host functions). Prints one
 * "FIG {...}" JSON line per figure, the bus bytes as "I2C {...}" lines, and "S3-XS-DONE" last
 * (an exception ends the run without it).
 * Device code: ECMAScript only, no Node or DOM APIs.
 */
import { makeEngine, runSteps } from "../../../bench/engine/workload.js";
import { TICK_MS } from "../../../modules/emotion/profile.js";
import { ONE } from "../../../modules/emotion/fixed.js";
import { openPack } from "../../../modules/pack/pack.js";
import { PackFaces } from "../../../modules/face/faces.js";
import { Animator } from "../../../modules/face/animator.js";
import SSD1306 from "../../../modules/display/ssd1306.js";
import { NativeFrameOps } from "../../../modules/display/native-frame.js";
import { NativeAnimatorOps } from "../../../modules/face/native-animator.js";
import type { ParityData } from "../../../tests/parity/vectors.js";
import { FRAMES, FRAME_MS, SHOTS, scenarioState } from "./scenario.js";

declare function print(s: string): void;
declare function instructions(): number;
declare function heapFigures(): Record<string, number>;
declare function gc(): void;
declare function hostText(name: string): string;
declare function hostPack(): ArrayBuffer;
declare function i2cWrite(address: number, buffer: ArrayBufferLike, offset: number, length: number): void;
declare function i2cFlush(): number;
declare function decoderOpen(offset: number, length: number): void;
declare function decoderLatentSize(): number;
declare function decoderDecode(latent: ArrayBufferLike, latentOffset: number, frame: ArrayBufferLike, frameOffset: number): boolean;

/* The phase to stop after (build.ts's `phase`, see xsS3ExactFigures in device-xs.ts); 0: run it all.
 * Phase runs print nothing inside the measured loops, so that QEMU's per-CPU instruction totals of
 * two phases differ by exactly the work between them. */
const PHASE = Number(hostText("phase"));
function stopAfter(phase: number): void {
  if (PHASE === phase) {
    print("S3-XS-DONE");
    throw new Error("S3-XS-PHASE-END"); // the runner treats this exception as the end (runner.c)
  }
}

function fig(o: Record<string, unknown>): void {
  print("FIG " + JSON.stringify(o));
}

/** ECMA-419 I2C over the in-memory bus (the board's embedded:io/i2c stands here). */
class BusI2C {
  private readonly address: number;
  constructor(options: { address: number }) {
    this.address = options.address;
  }
  // No view made per write: the board's I2C write is one native call, so the stand-in stays close to it.
  write(buffer: ArrayBufferLike | ArrayBufferView): void {
    if (ArrayBuffer.isView(buffer)) i2cWrite(this.address, buffer.buffer, buffer.byteOffset, buffer.byteLength);
    else i2cWrite(this.address, buffer, 0, buffer.byteLength);
  }
  close(): void {}
}

print("hello from XS on the ESP32-S3");

const RECORDED = 64;
/** The LatentDecoder (modules/face/decoder.ts) over the C reference decoder linked into the image. */
class S3Decoder {
  readonly latentSize: number;
  decodes = 0;
  /** The first RECORDED latents decoded (16 bytes each), and a view of each: phase 9 decodes them
   *  again, so that the decodes it takes out of the morph are the morph's own (the reference
   *  decoder's count varies a little with the latent). Built before anything is measured. */
  readonly record = new Int8Array(16 * RECORDED);
  readonly recorded: Int8Array[] = [];
  constructor(offset: number, length: number) {
    decoderOpen(offset, length);
    this.latentSize = decoderLatentSize();
    for (let i = 0; i < RECORDED; i++) this.recorded.push(this.record.subarray(16 * i, 16 * i + 16));
  }
  decode(latent: Int8Array, frame: Uint8Array): boolean {
    if (this.decodes < RECORDED && latent.length === 16) this.record.set(latent, 16 * this.decodes);
    this.decodes++;
    return decoderDecode(latent.buffer, latent.byteOffset, frame.buffer, frame.byteOffset);
  }
}

// The engine data as the board has it: JSON text in flash, parsed once at boot.
const data = {
  profiles: { default: JSON.parse(hostText("default.json")) },
  stimuli: JSON.parse(hostText("stimuli.json")),
  wheel: JSON.parse(hostText("wheel.json")),
  pack: [],
} as unknown as ParityData;
fig({ what: "boot", heap: heapFigures() });

// (4) Engine steps: the bench workload (bench/engine/workload.ts), one step = one 20 ms frame.
const engine = makeEngine(data);
runSteps(engine, 50); // warm up (first-call inline caches, lazily built tables)
stopAfter(1);
if (PHASE === 2) {
  runSteps(engine, 250);
  stopAfter(2);
}
if (PHASE < 7) {
  // (The frame-budget phases 7-9 skip this: it takes as long as the rest of their run.)
  const STEPS = 250;
  let i0 = instructions();
  const acc = runSteps(engine, STEPS);
  let i1 = instructions();
  fig({ what: "engine", steps: STEPS, instructionsPerStep: Math.round((i1 - i0) / STEPS), acc, tickMs: TICK_MS });
  // One step with a stimulus and one without, each alone.
  engine.stimulate(1, ONE >> 1);
  i0 = instructions();
  engine.step(TICK_MS);
  i1 = instructions();
  const quiet0 = instructions();
  engine.step(TICK_MS);
  const quiet1 = instructions();
  fig({ what: "engine-single", afterStimulus: i1 - i0, quiet: quiet1 - quiet0, dominant: engine.state.dominant });
  fig({ what: "after-engine", heap: heapFigures() });
}

// (5) Animator on the shipped pack (in flash: a host buffer, not copied) and the SSD1306 driver.
const opened = openPack(hostPack(), "frames.bin");
if (!opened.ok) throw new Error(opened.error);
// Phase 6 (exact figures only): the same frames with the decoder, so transitions morph.
// Phases 7-9 (the frame budget, xsS3FrameBudget in device-xs.ts): decoder and driver, stopping at the
// start of the scenario's first morph, at frame MORPH_AT (7), at its end (8), and at its end plus as
// many decodes of one latent as the morph made (9), so that a morphing frame's XS work can be told
// from the decodes. Their clock starts BREATHING_MS later, so that the face breathes (a lift every
// frame) all through the morph: the dearer case.
const MORPH_AT = 20;
const BREATHING_MS = PHASE >= 7 ? 2000 : 0;
const decoder = PHASE >= 6 ? new S3Decoder(opened.pack.modelOffset, opened.pack.modelLength) : undefined;
// The animator's whole-frame work in C, as main.ts gives it on the board (native/face).
const animator = new Animator(new PackFaces(opened.pack), decoder ? { seed: 3, decoder, ops: new NativeAnimatorOps() } : { seed: 3, ops: new NativeAnimatorOps() });
// The driver's frame work in C, as main.ts gives it on the board (native/display, linked by build.ts).
const display = new SSD1306({ display: { io: BusI2C as never, data: 21, clock: 22, address: 0x3c, hz: 400000 }, now: () => 0, frameOps: new NativeFrameOps() });
i2cFlush(); // the panel's initialisation
stopAfter(3);
const state = { dominant: 7, band: 0, nuance: 255 };
let animatorTotal = 0;
let driverTotal = 0;
let maxAnimator = 0;
let maxDriver = 0;
let morphFrames = 0;
let decodesBefore = 0;
const extraFrame = new Uint8Array(1024);
for (let k = 0; k < FRAMES; k++) {
  if (PHASE === 7 && k === MORPH_AT) stopAfter(7);
  if (PHASE >= 8 && k === MORPH_AT) decodesBefore = decoder!.decodes;
  if (PHASE >= 8 && k > MORPH_AT && !animator.morphing) {
    // The morph of MORPH_AT is over: frames MORPH_AT..k-1 morphed.
    const decodes = decoder!.decodes - decodesBefore;
    if (PHASE === 9) for (let i = 0; i < decodes; i++) decoder!.decode(decoder!.recorded[decodesBefore + i], extraFrame);
    print("FIG " + JSON.stringify({ what: "morph-frames", frames: k - MORPH_AT, decodes }));
    stopAfter(8);
    stopAfter(9);
  }
  const t = k * FRAME_MS + BREATHING_MS;
  scenarioState(k, state);
  const a0 = instructions();
  const frame = animator.update(t, state);
  const a1 = instructions();
  if (animator.morphing) morphFrames++;
  if (PHASE !== 4 && PHASE !== 6) display.update(frame);
  const a2 = instructions();
  animatorTotal += a1 - a0;
  driverTotal += a2 - a1;
  if (a1 - a0 > maxAnimator) maxAnimator = a1 - a0;
  if (a2 - a1 > maxDriver) maxDriver = a2 - a1;
  if (PHASE) continue;
  const writes = i2cFlush();
  if (SHOTS.includes(k)) print(`SHOT ${k} ${t} ${writes}`);
}
stopAfter(4);
stopAfter(5);
if (PHASE === 6) {
  print("FIG " + JSON.stringify({ what: "morph", decodes: decoder!.decodes, morphFrames, latentSize: decoder!.latentSize }));
  stopAfter(6);
}
fig({ what: "frames", frames: FRAMES, morph: animator.morphing, instructionsPerAnimatorFrame: Math.round(animatorTotal / FRAMES), maxAnimatorFrame: maxAnimator, instructionsPerDriverFrame: Math.round(driverTotal / FRAMES), maxDriverFrame: maxDriver, bytes: display.status.bytes, panelFrames: display.status.frames });
gc();
fig({ what: "end", heap: heapFigures() });
print("S3-XS-DONE");
