/* `moodface pack` and `moodface preview`: keyframes into the flash resource, and back out to look at. */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import writeFileAtomic from "write-file-atomic";
import { latentSize, openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { UsageError } from "../lib/data.js";
import { DEFAULTS_DIR, FRAMES_DIR, generateDefaults } from "../faces/defaults.js";
import { readDecoder } from "../decoder/bundle.js";
import { checkModel } from "../decoder/native.js";
import { coverage, listSources, loadEntries, type ImageOptions } from "../faces/sources.js";
import { writePack } from "../faces/pack-writer.js";
import { contactSheet, transitionsGif } from "../faces/preview.js";

function progress(label: string, total: number): { tick: () => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}

function level(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new UsageError(`--threshold must be a whole number from 1 to 255, not "${v}"`);
  return n;
}

export function addFaceCommands(program: Command): void {
  program
    .command("pack")
    .description("pack keyframes (a folder of <emotion>-<intensity>.png|jpg, or a frames.json manifest) into the flash resource")
    .argument("[source]", "folder or frames.json manifest", DEFAULTS_DIR)
    .requiredOption("-o, --output <file>", "the pack to write, e.g. frames/frames.bin")
    .option("--defaults", "first regenerate the default keyframes from the face generator into frames/defaults", false)
    .addOption(new Option("--fit <how>", "contain (letterbox) or cover (crop) images that are not 128x64").choices(["contain", "cover"]).default("contain"))
    .option("--threshold <level>", "1-bit conversion: lit where grey >= level", "128")
    .addOption(new Option("--dither <kind>", "dither instead of thresholding").choices(["bayer", "floyd"]))
    .option("--invert", "dark ink on a light background: ink becomes lit pixels", false)
    .option("--decoder <folder>", "add the latent decoder (decoder.tflite, latents.json) for morphing; default: frames/ when packing the generated defaults")
    .option("--no-decoder", "leave the decoder out")
    .action(async (source: string, o: { output: string; defaults: boolean; fit: "contain" | "cover"; threshold: string; dither?: "bayer" | "floyd"; invert: boolean; decoder?: string | false }) => {
      if (o.defaults) {
        const p = progress("generating", 24);
        await generateDefaults(DEFAULTS_DIR, p.tick);
        p.stop();
        source = DEFAULTS_DIR;
      }
      const { base, entries } = listSources(source);
      const cov = coverage(entries);
      if (cov.missingEmotions.length > 0) throw new UsageError(`${source}: no keyframe for ${cov.missingEmotions.join(", ")} (every emotion needs at least one)`);
      if (cov.missingBands.length > 0) process.stderr.write(`moodface: no keyframe for ${cov.missingBands.join(", ")}; the nearest intensity will be shown\n`);
      const options: ImageOptions = { fit: o.fit, invert: o.invert, oneBit: o.dither ? { mode: o.dither } : { mode: "threshold", level: level(o.threshold) } };
      const p = progress("packing", entries.length);
      let packed: Uint8Array;
      let withDecoder = false;
      try {
        const loaded = await loadEntries(base, entries, options, p.tick);
        // The decoder's latents belong to the generated keyframes: by default only those get it.
        const decoderDir = o.decoder === false ? undefined : (o.decoder ?? (resolve(source) === resolve(DEFAULTS_DIR) ? FRAMES_DIR : undefined));
        const decoder = decoderDir ? readDecoder(decoderDir, loaded) : undefined;
        withDecoder = decoder !== undefined;
        packed = writePack({ entries: loaded, model: decoder?.model, latents: decoder?.latents });
      } finally {
        p.stop();
      }
      await writeFileAtomic(o.output, Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength));
      process.stdout.write(`${o.output}: ${entries.length} keyframes${withDecoder ? " and the latent decoder" : ""}, ${packed.length} bytes\n`);
    });

  program
    .command("preview")
    .description("contact sheet (PNG, 4x) and animated transitions (GIF) of a pack")
    .argument("<pack>", "a frames.bin")
    .requiredOption("-o, --output <folder>", "where to write contact-sheet.png and transitions.gif")
    .action(async (file: string, o: { output: string }) => {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(file));
      } catch (e) {
        throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      const opened = openPack(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), file);
      if (!opened.ok) throw new UsageError(opened.error);
      const p = opened.pack;
      if (p.modelLength > 0) {
        // The robot would refuse this model (native/decoder/model.c's check): say so, as pack does.
        const verdict = checkModel(p.bytes.subarray(p.modelOffset, p.modelOffset + p.modelLength), latentSize(p));
        if (verdict) throw new UsageError(`${file}: section MODL: ${verdict}`);
      }
      const faces = new PackFaces(opened.pack);
      mkdirSync(o.output, { recursive: true });
      await writeFileAtomic(join(o.output, "contact-sheet.png"), await contactSheet(faces));
      const gif = transitionsGif(faces);
      await writeFileAtomic(join(o.output, "transitions.gif"), Buffer.from(gif.buffer, gif.byteOffset, gif.byteLength));
      process.stdout.write(`${join(o.output, "contact-sheet.png")}: rows fear, mad, joy, love, sad, surprise, power, calm; columns mild, medium, strong\n`);
      process.stdout.write(`${join(o.output, "transitions.gif")}: calm, then each emotion at medium and strong, as the firmware animates them\n`);
    });
}
