/**
 * The firmware's native code on the ESP32-S3's own CPU (issue 18, docs/device.md): every path of
 * tools/s3/paths.ts is cross-compiled with the board's flags, run on the emulator kit's QEMU
 * (MOODFACE_S3_KIT), and must match the host bit for bit and stay within its budgets. Not part of
 * `npm test`: `npm run test:device` (jest.device.config.cjs), which .ci/run calls after `npm test`.
 * A missing kit fails here loudly; nothing is skipped.
 */
import { DEVICE_PATHS } from "../../tools/s3/paths.js";
import { findKit, runImage, buildImage, S3_DIR } from "../../tools/s3/kit.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/lib/data.js";

describe("the emulated ESP32-S3 kit", () => {
  it("is there (MOODFACE_S3_KIT), or this fails with one line saying so", () => {
    expect(() => findKit()).not.toThrow();
  });

  it("runs a program, reports its exit code and console, and turns a bad access into a diagnosis (crt0.S's exception vectors)", () => {
    const kit = findKit();
    const dir = join(REPO_ROOT, "build", "s3", "selftest");
    mkdirSync(dir, { recursive: true });
    const src = join(dir, "selftest.c");
    // Deep recursion (register-window spills and refills), float (CPENABLE), 64-bit division (the
    // kit's runtime helpers), then a load from the flash window, which QEMU's -kernel boot leaves
    // unmapped (docs/device.md, "Where the weights live").
    writeFileSync(
      src,
      [
        "#include \"runtime.h\"",
        "#include <stdio.h>",
        "static int depth(int n) { volatile int x = n; return n ? depth(n - 1) + x : 0; }",
        "int main(void) {",
        "  volatile float f = 1.5f; volatile long long d = 1000000000000ll;",
        "  s3_printf(\"sum=%d f=%d q=%d\\n\", depth(300), (int)(f * f * 100), (int)(d / 7777));",
        "  volatile int *flash = (volatile int *)0x3c000004; return *flash;",
        "}",
        "",
      ].join("\n"),
    );
    const image = buildImage("selftest", [{ path: src, flags: ["-O2", "-mlongcalls", `-I${S3_DIR}`, "-Wall", "-Wextra", "-Werror"] }], { kit });
    const run = runImage(image, { kit, timeoutMs: 60_000 });
    expect(run.console).toContain(`sum=${(300 * 301) / 2} f=225 q=${Math.trunc(1e12 / 7777)}`);
    // LoadStorePIFAddrError (15), through the kernel vector (crt0.S runs with PS.UM = 0).
    expect(run.console).toMatch(/!K EXCCAUSE=0000000f EPC1=4037[0-9a-f]{4} EXCVADDR=3c000004/);
    expect(run.exitCode).toBe(99);
    expect(run.instructions).toBeGreaterThan(1000);
  });
});

describe.each(DEVICE_PATHS.map((p) => [p.id, p] as const))("device path %s", (_id, path) => {
  it("matches the host bit for bit and stays within its budgets", () => {
    const result = path.measure(findKit());
    expect(result.mismatches).toEqual([]);
    expect(result.overBudget).toEqual([]);
    expect(result.figures[0].instructions).toBeGreaterThan(0);
  });
});
