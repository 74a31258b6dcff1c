/*
 * The decoder's operator list has one owner, the C reader (native/decoder/model.h, MD_OPERATORS); the TypeScript
 * reference reader (tools/decoder/reference.ts) names the same codes, and the budget allows only
 * operators both can run. Checked by running the C reader's own md_op_name, not by reading its source.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { OPS } from "../../tools/decoder/reference.js";
import { BUDGET } from "../../tools/decoder/budget.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";

describe("one operator list", () => {
  test("the TypeScript reader knows exactly the C reader's operators; the budget allows only those", () => {
    const exe = join(tempDir("ops-"), "ops");
    const cc = spawnSync("cc", ["-std=c99", "-O1", "-Wall", "-Werror", "-o", exe, join(REPO_ROOT, "tests", "decoder", "ops_main.c"), join(REPO_ROOT, "native", "decoder", "model.c"), "-lm"], { encoding: "utf8" });
    expect([cc.status, cc.stderr]).toEqual([0, ""]);
    const out = spawnSync(exe, [], { encoding: "utf8" });
    expect(out.status).toBe(0);
    const c = Object.fromEntries(out.stdout.trim().split("\n").map((l) => l.split(" ")).map(([code, name]) => [Number(code), name]));
    expect(Object.keys(c).length).toBeGreaterThan(3);
    expect(OPS).toEqual(c);
    for (const op of BUDGET.ops) expect([op, Object.values(c).includes(op)]).toEqual([op, true]);
  });
});
