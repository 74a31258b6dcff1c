/* `moodface pack` and `moodface preview`: keyframes into the flash resource, and back out to look at. */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { latentSize, openPack } from "../../modules/pack/pack.js";
import { PackFaces } from "../../modules/face/faces.js";
import { UsageError } from "../lib/data.js";
import { DEFAULTS_DIR, FRAMES_DIR, OUTLINE_DIR, generateDefaults } from "../faces/defaults.js";
import { readDecoder } from "../decoder/bundle.js";
import { fitDecoder, type FitKey } from "../decoder/fit.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { renderFace } from "../faces/render.js";
import { whole } from "../lib/options.js";
import { checkModel, hostDecoder } from "../decoder/native.js";
import type { LatentDecoder } from "../../modules/face/decoder.js";
import { expression, type FaceStyle } from "../faces/face.js";
import { coverage, listSources, loadEntries, type DitherChoice, type ImageOptions, type InvertChoice, type LoadedEntry } from "../faces/sources.js";
import { checkOutputFile, checkOutputFolder, reason, writeFile } from "../lib/files.js";
import { quote } from "../lib/text.js";
import { templatePng } from "../faces/template.js";
import { latentsSection, writePack } from "../faces/pack-writer.js";
import { blindSheet, contactSheet, transitionsGif } from "../faces/preview.js";
import { packPhotos, photoSheetFor, photosFromManifest } from "../photos/cli.js";

function progress(label: string, total: number): { tick: () => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}

function level(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new UsageError(`--threshold must be a whole number from 1 to 255, not ${quote(v)}`);
  return n;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

export function addFaceCommands(program: Command): void {
  const pack = program
    .command("pack")
    .description("pack keyframes (a folder of <emotion>-<intensity>.png|jpg, or a frames.json manifest) into the flash resource (docs/drawing.md)")
    .argument("[source]", "folder or frames.json manifest (default: frames/defaults)")
    .requiredOption("-o, --output <file>", "the pack to write, e.g. frames/frames.bin")
    .option("--defaults", "first regenerate the default keyframes from the face generator into frames/defaults, and pack those", false)
    // faces: the drawing style of the generated defaults
    .addOption(new Option("--style <style>", "with --defaults: bold (filled eyes, thick lines; into frames/defaults) or outline (the line sketch; into frames/defaults-outline, packed without the decoder, which learnt the bold faces)").choices(["bold", "outline"]).default("bold"))
    .addOption(new Option("--fit <how>", "contain (letterbox, keeps the whole drawing) or cover (fill the screen, crops)").choices(["contain", "cover"]).default("contain"))
    .addOption(new Option("--invert <when>", "ink becomes lit pixels: auto inverts images whose border is light (dark ink on paper)").choices(["auto", "yes", "no"]).default("auto"))
    .addOption(new Option("--dither <kind>", "auto: threshold line art, Floyd-Steinberg for photos (over 30% mid-tones); none: always threshold").choices(["auto", "none", "bayer", "floyd"]).default("auto"))
    .option("--threshold <level>", "line art: lit where grey >= level (1-255)")
    .option("--decoder <folder>", "add the latent decoder (decoder.tflite, latents.json) for morphing; default: frames/ when packing the generated defaults")
    .option("--no-decoder", "leave the decoder out")
    // --- photos (docs/photos.md): tools/photos/cli.ts ---
    .option("--photos <folder>", "detect the faces in a folder of photos, sketch and label them, and fill the keyframe slots (docs/photos.md)")
    .addOption(new Option("--sketch <style>", "photos: lines (landmark sketch), edges (XDoG of the photo plus lines) or robot (the generator's face with the photo's expression)").choices(["lines", "edges", "robot"]).default("lines"))
    .option("--strict", "photos: fail on the first photo or face that cannot be used", false)
    .option("--seed <n>", "seed of the latent inversion and the decoder's fine-tuning (photos, drawings)", whole("--seed", 0, 0x7fffffff), 1)
    .option("--no-fine-tune", "never fine-tune the decoder: keyframes it cannot draw to 98% crossfade");
  // --- end photos ---
  pack.action(async (sourceArg: string | undefined, o: { output: string; defaults: boolean; style: FaceStyle; fit: "contain" | "cover"; threshold?: string; dither: DitherChoice; invert: InvertChoice; decoder?: string | false; photos?: string; sketch: "lines" | "edges" | "robot"; strict: boolean; seed: number; fineTune: boolean }) => {
      // --seed and --no-fine-tune steer fitting the decoder to new keyframes: refused where nothing is fitted.
      const fitting = [pack.getOptionValueSource("seed") === "cli" ? "--seed" : "", o.fineTune === false ? "--no-fine-tune" : ""].filter(Boolean);
      if (fitting.length && o.decoder === false) throw new UsageError(`${fitting.join(" and ")} and --no-decoder do not go together: with no decoder nothing is inverted or fine-tuned`);
      if (fitting.length && o.defaults) throw new UsageError(`${fitting.join(" and ")} and --defaults do not go together: the generated faces keep the latents the decoder was trained with`);
      if (o.photos !== undefined) {
        if (sourceArg !== undefined || o.defaults) throw new UsageError(`--photos ${o.photos}: give no source folder and no --defaults with it`);
        checkOutputFile(o.output);
        return packPhotos(o.photos, { output: o.output, style: o.sketch, strict: o.strict, decoder: o.decoder, seed: o.seed, fineTune: o.fineTune });
      }
      if (o.defaults && sourceArg !== undefined) throw new UsageError(`--defaults packs the generated faces in frames/defaults: give no source folder (or leave out --defaults to pack ${quote(sourceArg, 80)})`);
      if (o.threshold !== undefined && (o.dither === "bayer" || o.dither === "floyd")) throw new UsageError(`--threshold and --dither ${o.dither} do not go together: dithering uses no threshold`);
      const threshold = o.threshold === undefined ? 128 : level(o.threshold);
      checkOutputFile(o.output);
      if (o.style !== "bold" && !o.defaults) throw new UsageError(`--style ${o.style} chooses how the generated defaults are drawn: give it with --defaults`);
      let source = sourceArg ?? DEFAULTS_DIR;
      if (o.defaults) {
        const dir = o.style === "outline" ? OUTLINE_DIR : DEFAULTS_DIR;
        const p = progress("generating", 24);
        await generateDefaults(dir, p.tick, o.style);
        p.stop();
        source = dir;
      }
      // --- photos: a frames manifest with a "photos" entry (docs/formats/frames-manifest.md) ---
      const fromManifest = photosFromManifest(source);
      if (fromManifest) {
        checkOutputFile(o.output);
        return packPhotos(fromManifest.folder, { output: o.output, style: (o.sketch !== "lines" ? o.sketch : fromManifest.style) ?? "lines", strict: o.strict, decoder: o.decoder, seed: o.seed, fineTune: o.fineTune });
      }
      // --- end photos ---
      const generated = resolve(source) === resolve(DEFAULTS_DIR) || resolve(source) === resolve(DEFAULTS_DIR, "frames.json");
      const { base, entries } = listSources(source);
      const cov = coverage(entries);
      if (cov.missingEmotions.length > 0) throw new UsageError(`${source}: no keyframe for ${cov.missingEmotions.join(", ")} (every emotion needs at least one)`);
      if (cov.missingBands.length > 0) process.stderr.write(`moodface: no keyframe for ${cov.missingBands.join(", ")}; the nearest intensity will be shown\n`);
      const options: ImageOptions = { fit: o.fit, invert: o.invert, dither: o.dither, level: threshold };
      // Generated keyframes take the latents the decoder was trained with; drawings get theirs by
      // inversion and fine-tuning (tools/decoder/fit.ts). The outline defaults crossfade unless asked:
      // the decoder learnt the bold faces, and fine-tuning it for 24 outline faces is not the default.
      const outline = resolve(source) === resolve(OUTLINE_DIR) || resolve(source) === resolve(OUTLINE_DIR, "frames.json");
      const decoderDir = o.decoder === false ? undefined : (o.decoder ?? (outline ? undefined : FRAMES_DIR));
      const p = progress("packing", entries.length);
      let packed: Uint8Array;
      let loaded: LoadedEntry[];
      try {
        loaded = await loadEntries(base, entries, options, p.tick);
      } finally {
        p.stop();
      }
      let decoder: { model: Uint8Array; latents: Uint8Array } | undefined;
      let fitLines: string[] = [];
      if (decoderDir && generated) decoder = readDecoder(decoderDir, loaded);
      else if (decoderDir) {
        // A keyframe identical to a generated face (a copy of frames/defaults) keeps its trained latent.
        const keys: FitKey[] = [];
        for (const e of loaded) {
          const same = Buffer.from(await renderFace(expression(EMOTIONS[e.emotion], e.band))).equals(Buffer.from(e.frame));
          keys.push({ name: e.file, frame: e.frame, trained: same ? e.emotion * 3 + e.band : undefined });
        }
        // A person's drawings: fine-tuning teaches their in-betweens by moving their ink.
        const fit = await fitDecoder(decoderDir, keys, { seed: o.seed, fineTune: o.fineTune, inBetweens: "transport" });
        // A decoder no keyframe can use is 80 KB of flash for nothing: left out.
        decoder = fit.latents.some(Boolean) ? { model: fit.model, latents: latentsSection(fit.dims, fit.latents) } : undefined;
        fitLines = fit.lines;
      }
      packed = writePack({ entries: loaded, model: decoder?.model, latents: decoder?.latents });
      await writeFile(o.output, packed);
      // What was decided for the drawings, so nothing happens behind the maker's back.
      const inverted = loaded.filter((e) => e.report.inverted);
      const photos = loaded.filter((e) => e.report.conversion !== "threshold");
      const found = loaded.filter((e) => e.eyesFrom === "found").length;
      const blind = loaded.filter((e) => e.eyesFrom === "none");
      process.stdout.write(`${o.output}: ${count(entries.length, "keyframe")}${decoder ? " and the latent decoder" : ""}, ${packed.length} bytes\n`);
      if (inverted.length > 0) process.stdout.write(`  inverted ${inverted.length} of ${entries.length} (light border, dark ink on paper: ink becomes lit pixels; --invert no keeps them)\n`);
      if (!generated || photos.length > 0) {
        const lineArt = loaded.length - photos.length;
        process.stdout.write(`  ${lineArt} line art thresholded at ${threshold}${photos.length ? `, ${photos.length} ${o.dither === "auto" ? "photos (over 30% mid-tones) dithered" : "dithered"} (${photos[0].report.conversion})` : ""}\n`);
      }
      if (found > 0) process.stdout.write(`  eye boxes found in ${found} of ${entries.length} (the two largest ink blobs in the upper half); they blink and glance\n`);
      if (blind.length > 0) process.stdout.write(`  no eye boxes for ${blind.map((e) => e.file).slice(0, 6).join(", ")}${blind.length > 6 ? ", ..." : ""}: these never blink; give "eyes" in a frames.json (docs/formats/frames-manifest.md)\n`);
      for (const l of fitLines) process.stdout.write(l + "\n");
      if (!decoder) {
        const why = outline ? " (the decoder learnt the bold faces; the outline ones crossfade; --decoder frames fits it to them)" : o.decoder === false ? " (--no-decoder)" : " (the decoder draws none of these keyframes to 98%: left out)";
        process.stdout.write(`  no latent decoder: transitions crossfade${why}\n`);
      }
    });

  program
    .command("template")
    .description("write the drawing template: 256x128, white paper, light-blue guides for eyes, brows and mouth (docs/drawing.md)")
    .requiredOption("-o, --output <file.png>", "where to write it, e.g. my-drawings/template.png")
    .action(async (o: { output: string }) => {
      checkOutputFile(o.output);
      await writeFile(o.output, await templatePng());
      process.stdout.write(`${o.output}: 256x128 drawing template; draw in dark ink, name each drawing <emotion>-<intensity>.png, then moodface pack <folder> -o my-frames.bin\n`);
    });

  program
    .command("preview")
    .description("contact sheet (PNG, 4x) and animated transitions (GIF) of a pack")
    .argument("<pack>", "a frames.bin")
    .requiredOption("-o, --output <folder>", "where to write contact-sheet.png and transitions.gif")
    .option("--shuffle <seed>", "instead, a sheet for labelling blind: the keyframes shuffled by the seed, 2x, numbered only (blind-sheet.png), and the answers apart (blind-key.json)", whole("--shuffle", 0, 0x7fffffff))
    .option("--no-labels", "with --shuffle (which never labels): says so on the command line")
    .action(async (file: string, o: { output: string; shuffle?: number; labels: boolean }) => {
      // An unlabelled sheet in the usual order (rows by emotion, columns by intensity) would give
      // the answers away, so there is none.
      if (!o.labels && o.shuffle === undefined) throw new UsageError("--no-labels goes with --shuffle <seed>: a sheet in the usual order gives the answers away");
      checkOutputFolder(o.output);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(file));
      } catch (e) {
        throw new UsageError(`${file}: cannot read: ${reason(e)}`);
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
      // faces: transitions the way the firmware makes them: through the pack's decoder when it has
      // one and this host can run it (the simulator's native addon), else crossfades.
      let decoder: LatentDecoder | undefined;
      let how = "crossfading (the pack has no latent decoder)";
      if (p.modelLength > 0) {
        try {
          decoder = hostDecoder(p.bytes.subarray(p.modelOffset, p.modelOffset + p.modelLength), latentSize(p));
          how = "morphing through the pack's latent decoder";
        } catch (e) {
          how = `crossfading (this host cannot run the pack's decoder: ${reason(e)})`;
        }
      }
      try {
        mkdirSync(o.output, { recursive: true });
      } catch (e) {
        throw new UsageError(`-o ${o.output}: cannot create the folder: ${reason(e)}`);
      }
      if (o.shuffle !== undefined) {
        const blind = await blindSheet(faces, o.shuffle);
        await writeFile(join(o.output, "blind-sheet.png"), blind.png);
        await writeFile(join(o.output, "blind-key.json"), JSON.stringify(blind.key, null, 2) + "\n");
        process.stdout.write(`${join(o.output, "blind-sheet.png")}: ${blind.key.cells.length} keyframes shuffled with seed ${o.shuffle}, numbered 1..${blind.key.cells.length}, no labels\n`);
        process.stdout.write(`${join(o.output, "blind-key.json")}: the answers (emotion and intensity of each number); keep it from the viewer\n`);
        return;
      }
      await writeFile(join(o.output, "contact-sheet.png"), (await photoSheetFor(file, faces)) ?? (await contactSheet(faces)));
      await writeFile(join(o.output, "transitions.gif"), transitionsGif(faces, undefined, undefined, undefined, decoder));
      process.stdout.write(`${join(o.output, "contact-sheet.png")}: rows fear, mad, joy, love, sad, surprise, power, calm; columns mild, medium, strong (labelled)\n`);
      process.stdout.write(`${join(o.output, "transitions.gif")}: calm, then each emotion at medium and strong, as the firmware animates them, ${how}\n`);
    });
}
