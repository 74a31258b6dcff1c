/**
 * The board's own decoder path on the emulated ESP32-S3 (issue 18): native/decoder/backend_tflm.cc
 * with esp-tflite-micro 1.4.0 and ESP-NN 1.2.3's esp32s3 kernels, built by tools/s3/tflm/tflm.ts and
 * run on the model of the committed pack (frames/frames.bin). Fails on any difference from the host
 * (logits and frames of 64 fresh latents and the keyframes'), on a budget exceeded (800,000
 * instructions per inference, 40 KB of arena with ESP-NN's scratch), and when the kit is missing:
 * nothing is skipped. Part of `npm run test:device` (jest.device.config.cjs).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { findKit, findToolchain } from "../../tools/s3/kit.js";
import { TFLM_BUDGET, tflmFigures, type TflmFigures } from "../../tools/s3/tflm/tflm.js";

let figures: TflmFigures;

beforeAll(() => {
  // Throws one line naming MOODFACE_S3_KIT when the kit is missing: every test below then fails.
  figures = tflmFigures({ kit: findKit() });
});

describe("TFLM + ESP-NN on the emulated ESP32-S3", () => {
  it("decodes 64 fresh latents and the keyframes' bit-identically to the host (logits and frames)", () => {
    expect(figures.latents).toBeGreaterThanOrEqual(64 + 1);
    expect(figures.mismatches).toEqual([]);
  });

  it("stays within issue 18's budget: instructions per inference and arena with ESP-NN's scratch", () => {
    expect(figures.overBudget).toEqual([]);
    expect(figures.instructionsPerInference).toBeGreaterThan(0);
    expect(figures.instructionsPerInference).toBeLessThanOrEqual(TFLM_BUDGET.instructionsPerInference);
    expect(figures.arenaUsed).toBeGreaterThan(0);
    expect(figures.arenaUsed).toBeLessThanOrEqual(TFLM_BUDGET.arenaBytes);
  });

  it("counts every operator of the model, and they account for the inference", () => {
    const names = figures.ops.map((o) => o.name);
    expect(names).toContain("FULLY_CONNECTED");
    expect(names).toContain("CONV_2D");
    expect(names[names.length - 1]).toBe("OUTPUT_COPY");
    const sum = figures.ops.reduce((a, o) => a + o.instructions, 0);
    expect(sum).toBeLessThanOrEqual(figures.instructionsPerInference);
    expect(sum).toBeGreaterThan(0.9 * figures.instructionsPerInference);
  });

  it("runs ESP-NN's esp32s3 kernels, not its plain C ones (which a missing sdkconfig setting selects silently)", () => {
    const tc = findToolchain(findKit());
    const nm = join(dirname(tc.gcc), "xtensa-esp32s3-elf-nm");
    const r = spawnSync(nm, [figures.elf], { encoding: "utf8", env: tc.env, maxBuffer: 16 << 20 });
    expect(r.status).toBe(0);
    const symbols = new Set(r.stdout.split("\n").map((l) => l.trim().split(/\s+/)[2]).filter(Boolean));
    for (const s of ["esp_nn_conv_s8_esp32s3", "esp_nn_fully_connected_per_ch_s8_esp32s3"]) expect(symbols.has(s)).toBe(true);
    for (const s of ["esp_nn_fully_connected_per_ch_s8_ansi", "esp_nn_fully_connected_s8_ansi"]) expect(symbols.has(s)).toBe(false);
  });
});
