/*
 * Latent decoder figures: the model's budget (MACs, weights, arena) from the C reference backend,
 * host instructions per decode under valgrind callgrind, an ESP32-S3 estimate from ESP-NN's
 * published cycles per MAC, and quality (keyframes, transition midpoints, smoothness).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { buildDecoderCli, modelInfo, type ModelInfo } from "../../tools/decoder/native.js";
import { evaluate, type Quality } from "../../tools/decoder/evaluate.js";

const MODEL = join(REPO_ROOT, "frames", "decoder.tflite");
const LATENTS = join(REPO_ROOT, "frames", "latents.json");
/** facts.md: ESP-NN 1x1 conv on the S3 at about 0.8 cycles per MAC; plain C about 11.8. */
const S3_HZ = 240e6;
const ESPNN_CYCLES_PER_MAC = 0.8;
const PLAIN_C_CYCLES_PER_MAC = 11.8;

/** Instructions of N decodes minus zero decodes (model loading), per decode. */
function callgrindPerDecode(cli: string, decodes: number): number | undefined {
  const run = (n: number) => {
    const dir = join(REPO_ROOT, "build", "callgrind");
    rmSync(dir, { recursive: true, force: true });
    spawnSync("mkdir", ["-p", dir]);
    const r = spawnSync("valgrind", ["--tool=callgrind", `--callgrind-out-file=${join(dir, "out")}`, cli, MODEL], { input: Buffer.alloc(n * 8), encoding: "utf8" });
    if (r.error || r.status !== 0) return undefined;
    const text = readFileSync(join(dir, readdirSync(dir)[0]), "utf8");
    const m = /^summary:\s+(\d+)/m.exec(text) ?? /^totals:\s+(\d+)/m.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const a = run(0);
  const b = run(decodes);
  return a === undefined || b === undefined ? undefined : (b - a) / decodes;
}

/** TFLM's own arena use for the model, from the PyPI interpreter's recording allocator. */
function tflmArena(): number | undefined {
  const r = spawnSync("python3", ["-c", `from tflite_micro.python.tflite_micro import runtime\nruntime.Interpreter.from_file(${JSON.stringify(MODEL)}).print_allocations()`], { encoding: "utf8" });
  const m = /Arena allocation total (\d+) bytes/.exec(r.stdout + r.stderr);
  return m ? Number(m[1]) : undefined;
}

interface DecoderFigures {
  info: ModelInfo;
  instructions?: number;
  tflmArena?: number;
  quality: Quality;
}

export async function decoderBench(): Promise<DecoderFigures> {
  const cli = buildDecoderCli();
  return { info: modelInfo(MODEL), instructions: callgrindPerDecode(cli, 10), tflmArena: tflmArena(), quality: await evaluate(cli, MODEL, LATENTS) };
}

export function printDecoder(f: DecoderFigures): void {
  const i = f.info;
  console.log("## Latent decoder (frames/decoder.tflite), C reference backend");
  console.log(`ops ${i.ops.join(", ")}; latent ${i.latent} int8`);
  console.log(`MACs per frame ${i.macs.toLocaleString()} (target at most 500,000); weights ${i.weights.toLocaleString()} bytes (at most 32 KB)`);
  console.log(`tensor arena (at most 64 KB): TFLM ${f.tflmArena === undefined ? "unknown (tflite-micro missing)" : f.tflmArena.toLocaleString() + " bytes"} (recording allocator), C reference backend ${i.arena.toLocaleString()} bytes`);
  console.log(`host instructions per decode (valgrind callgrind, decode only): ${f.instructions === undefined ? "valgrind not available" : Math.round(f.instructions).toLocaleString()}`);
  const espnn = (i.macs * ESPNN_CYCLES_PER_MAC) / S3_HZ;
  const plain = (i.macs * PLAIN_C_CYCLES_PER_MAC) / S3_HZ;
  console.log(`ESP32-S3 estimate at 240 MHz: ${(espnn * 1000).toFixed(1)} ms per frame with ESP-NN (0.8 cycles/MAC), ${(plain * 1000).toFixed(1)} ms in plain C (11.8 cycles/MAC)`);
  console.log("  assumptions: MACs dominate; every layer runs at the 1x1-conv rate quoted for ESP-NN; RESHAPE (and DEPTH_TO_SPACE, in a model without the board layout) are copies; thresholding and packing are not counted");
  console.log("  measured on the emulated ESP32-S3 instead: npm run bench -- device (docs/device.md)");
  const q = f.quality;
  console.log(`keyframes from their int8 latents: ${(q.keyframeAgreement.mean * 100).toFixed(2)}% of pixels agree on average, worst ${(q.keyframeAgreement.worst * 100).toFixed(2)}% (target at least 98%)`);
  console.log(`transition midpoints vs the generator's midpoint (${q.midpointIoU.pairs} emotion pairs), IoU of ink: decoder ${q.midpointIoU.decoder.toFixed(3)}, crossfade ${q.midpointIoU.crossfade.toFixed(3)}, margin ${(q.midpointIoU.decoder - q.midpointIoU.crossfade).toFixed(3)}`);
  console.log(`largest pixel change between neighbouring frames of a 12-step decoded transition: ${q.largestStepChange} of 8192 pixels`);
}
