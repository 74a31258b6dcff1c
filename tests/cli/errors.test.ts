/*
 * The command as a careless or hostile user runs it: every failure is one line on stderr that names
 * the file, option or port, with exit code 1, never a stack trace; nothing half-written is left.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { moodface, moodfaceAsync, tempDir, type CliResult } from "../helpers/cli.js";

/** Exit 1, nothing on stdout, exactly one line on stderr, no stack frames; returns the line. */
function oneLine(r: CliResult): string {
  expect(r.stdout).toBe("");
  expect(r.status).toBe(1);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|TypeError|RangeError|SyntaxError/);
  expect(lines[0].length).toBeLessThan(400);
  return lines[0];
}

const dir = tempDir();
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("commander's own errors are one line and exit 1", () => {
  test("a missing required option names it, without the whole help", () => {
    expect(oneLine(moodface(["engine", "simulate"]))).toBe("moodface: required option '-d, --duration <seconds>' not specified (see moodface engine simulate --help)");
  });
  test("an unknown option, an unknown command, a bad option value", () => {
    expect(oneLine(moodface(["engine", "simulate", "-d", "1", "--durration", "2"]))).toContain("unknown option '--durration'");
    expect(oneLine(moodface(["engine", "simulat"]))).toContain("unknown command 'simulat' (Did you mean simulate?)");
    expect(oneLine(moodface(["engine", "simulate", "-d", "-3"]))).toContain('duration must be a number above 0, not "-3"');
  });
  test("decoder train writes to build/decoder unless told otherwise", () => {
    const r = moodface(["decoder", "train", "--help"]);
    expect(r.stdout).toMatch(/-o, --output <folder>[\s\S]*default:\s+"[^"]*build\/decoder"/);
  });
  test("--version prints the package's version", () => {
    const r = moodface(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });
});

describe("engine", () => {
  test("--format table --reference works together: a gap column, full channel names", () => {
    const r = moodface(["engine", "simulate", "-e", "examples/day.jsonl", "-d", "3", "--dt", "1000", "--format", "table", "--reference"]);
    expect(r.status).toBe(0);
    const [, header, ...rows] = r.stdout.trim().split("\n");
    for (const c of ["dopamine", "serotonin", "noradrenaline", "adrenaline", "oxytocin", "endorphins"]) expect(header).toContain(c);
    expect(header).toContain("largest gap to the float64 reference");
    expect(rows.filter((l) => !l.includes("<-")).every((l) => /\d\.\d{3}% of K$/.test(l))).toBe(true);
  });

  test("engine stimuli prints each stimulus's doses", () => {
    const r = moodface(["engine", "stimuli"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^gift\s+DA \+\d+/m);
    expect(r.stdout).toMatch(/^threat\s+.*ADR \+\d+/m);
    expect(r.stdout).toContain("DA dopamine, 5HT serotonin");
  });

  test("an events file whose t is a 100k-deep array: one line naming the line or the field", () => {
    const f = file("deep.jsonl", `{"t": ${"[".repeat(100000)}${"]".repeat(100000)}, "stimulus": "gift"}\n`);
    expect(oneLine(moodface(["engine", "simulate", "-e", f, "-d", "1"]))).toBe(`moodface: ${f}:1: line longer than 65536 characters`);
    const g = file("deep30k.jsonl", `{"t": ${"[".repeat(30000)}${"]".repeat(30000)}, "stimulus": "gift"}\n`);
    expect(oneLine(moodface(["engine", "simulate", "-e", g, "-d", "1"]))).toBe(`moodface: ${g}:1: field "t": expected whole milliseconds >= 0, got an array of 1`);
  });

  test("intensity 1e400 is reported as too large, not as null", () => {
    const f = file("huge.jsonl", '{"t": 0, "stimulus": "gift", "intensity": 1e400}\n');
    expect(oneLine(moodface(["engine", "simulate", "-e", f, "-d", "1"]))).toContain('field "intensity": expected a number from 0 to 1, got a number too large to represent');
  });

  test("a 1 MB stimulus name and binary garbage are cut and escaped in the message", () => {
    const f = file("long-name.jsonl", JSON.stringify({ t: 0, stimulus: "x".repeat(60000) }) + "\n");
    const line = oneLine(moodface(["engine", "simulate", "-e", f, "-d", "1"]));
    expect(line).toContain('unknown stimulus "xxxxxxxx');
    expect(line).toContain("(60000 characters)");
    const mb = file("long-line.jsonl", JSON.stringify({ t: 0, stimulus: "x".repeat(1 << 20) }) + "\n");
    expect(oneLine(moodface(["engine", "simulate", "-e", mb, "-d", "1"]))).toBe(`moodface: ${mb}:1: line longer than 65536 characters`);
    const g = file("garbage.jsonl", JSON.stringify({ t: 0, stimulus: "\u001b[2J\u0007bell\u0000" }) + "\n");
    const line2 = oneLine(moodface(["engine", "simulate", "-e", g, "-d", "1"]));
    expect(line2).toContain('unknown stimulus "\\x1b[2J\\x07bell\\x00"');
    const bin = file("binary.jsonl", Buffer.from([0xff, 0xfe, 0x1b, 0x5b, 0x00, 0x0a]));
    expect(oneLine(moodface(["engine", "simulate", "-e", bin, "-d", "1"]))).toContain(`${bin}:1: not valid JSON`);
  });

  test("a big events file is streamed: 20 MB of events in a 48 MB heap", () => {
    const lines: string[] = [];
    for (let i = 0; i < 400_000; i++) lines.push(`{"t": ${i * 10}, "stimulus": "gift", "intensity": 0.5000}`);
    const f = file("big.jsonl", lines.join("\n") + "\n");
    expect(statSync(f).size).toBeGreaterThan(20e6);
    const r = moodface(["engine", "simulate", "-e", f, "-d", "2", "--dt", "1000"], { nodeArgs: ["--max-old-space-size=48"] });
    expect(r.stderr).toContain("399799 event(s) after 2 s are not simulated");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1 + 3 + 201);
  });

  test("engine simulate -d 10000 --dt 1 -o (10,000,000 samples, the most it takes) streams to its file with bounded memory, and Ctrl-C leaves no temp file", async () => {
    const out = join(dir, "endless.jsonl");
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--max-old-space-size=48", "bin/moodface.js", "engine", "simulate", "-d", "10000", "--dt", "1", "-o", out]);
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    // Wait (no clock) until more than the heap limit has been written: it cannot all be in memory.
    const tmp = () => readdirSync(dir).find((f) => f.startsWith(".endless.jsonl.") && f.endsWith(".tmp"));
    for (;;) {
      const t = tmp();
      if (t && statSync(join(dir, t)).size > 64e6) break;
      if (child.exitCode !== null) throw new Error(`exited early: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toBe("");
    expect(tmp()).toBeUndefined();
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  test("-o into a missing folder, or onto a folder, names it", () => {
    expect(oneLine(moodface(["engine", "simulate", "-d", "1", "-o", join(dir, "nope", "x.jsonl")]))).toBe(`moodface: -o ${join(dir, "nope", "x.jsonl")}: the folder ${join(dir, "nope")} does not exist`);
    expect(oneLine(moodface(["engine", "simulate", "-d", "1", "-o", dir]))).toBe(`moodface: -o ${dir}: is a folder; give a file name`);
  });
});

describe("i2c replay", () => {
  const good = file("i2c.jsonl", ['{"t":0,"address":"3c","bytes":"00ae"}', '{"t":1,"address":"3c","bytes":"00af"}'].join("\n") + "\n");

  test("a null line names the line", () => {
    const f = file("null.jsonl", '{"address":"3c","bytes":"00"}\nnull\n');
    expect(oneLine(moodface(["i2c", "replay", f, "-o", join(dir, "a.png")]))).toBe(`moodface: ${f}:2: expected an object {"address", "bytes"}, got null`);
  });

  test("a 5 MB field is refused as a line too long; a long bad field is checked without recursion and cut", () => {
    const f = file("big-field.jsonl", `{"address":"3c","bytes":"${"ab".repeat(2_500_000)}"}\n`);
    expect(oneLine(moodface(["i2c", "replay", f, "-o", join(dir, "b.png")]))).toBe(`moodface: ${f}:1: line longer than 1048576 characters`);
    const g = file("long-field.jsonl", `{"address":"3c","bytes":"${"ab".repeat(400_000)}x"}\n`);
    const line = oneLine(moodface(["i2c", "replay", g, "-o", join(dir, "b.png")]));
    expect(line).toContain(`${g}:1: field "bytes": expected lower-case hex pairs, got "abab`);
    expect(line).toContain("(800001 characters)");
  });

  test("an address that is not in the log: lists the ones seen, exit 1, no picture", () => {
    const png = join(dir, "c.png");
    expect(oneLine(moodface(["i2c", "replay", good, "--address", "3d", "-o", png]))).toBe(`moodface: ${good}: no transactions for address 0x3d; the log has 0x3c (2): try --address 3c`);
    expect(existsSync(png)).toBe(false);
  });
});

describe("pack and preview", () => {
  test("a manifest entry that is null names the entry", () => {
    const f = file("frames.json", JSON.stringify({ format: "moodface-frames", version: 1, entries: [null] }));
    expect(oneLine(moodface(["pack", f, "-o", join(dir, "p.bin")]))).toBe(`moodface: ${f}: entries[0]: expected an object {"file", "emotion", "intensity"}, got null`);
  });

  const decoderDir = (latents: unknown) => {
    const d = join(dir, `dec-${Math.random().toString(36).slice(2)}`);
    mkdirSync(d);
    writeFileSync(join(d, "decoder.tflite"), readFileSync("frames/decoder.tflite"));
    writeFileSync(join(d, "latents.json"), JSON.stringify(latents));
    return d;
  };
  const shipped = JSON.parse(readFileSync("frames/latents.json", "utf8"));

  test("--decoder: latents that are not arrays, latents of the wrong size, a mistyped folder", () => {
    const notArrays = decoderDir({ ...shipped, keyframes: shipped.keyframes.map(() => 7) });
    expect(oneLine(moodface(["pack", "frames/defaults", "--decoder", notArrays, "-o", join(dir, "d1.bin")]))).toContain(`${join(notArrays, "latents.json")}: keyframes[0]: expected 8 whole numbers from -128 to 127, got 7`);
    const forty = decoderDir({ ...shipped, dims: 40, keyframes: shipped.keyframes.map(() => new Array(40).fill(1)) });
    expect(oneLine(moodface(["pack", "frames/defaults", "--decoder", forty, "-o", join(dir, "d2.bin")]))).toContain(`${join(forty, "decoder.tflite")}: input tensor 0 takes 8 values but the pack's latents have 40`);
    expect(existsSync(join(dir, "d2.bin"))).toBe(false);
    expect(oneLine(moodface(["pack", "frames/defaults", "--decoder", "framez", "-o", join(dir, "d3.bin")]))).toContain("--decoder framez: no such folder");
  });

  test("pack -o into a missing folder names the folder, not a temp file", () => {
    expect(oneLine(moodface(["pack", "-o", join(dir, "missing", "f.bin")]))).toBe(`moodface: -o ${join(dir, "missing", "f.bin")}: the folder ${join(dir, "missing")} does not exist`);
  });

  test("preview -o an existing file", () => {
    const f = file("not-a-folder", "x");
    expect(oneLine(moodface(["preview", "frames/frames.bin", "-o", f]))).toBe(`moodface: -o ${f}: is a file; give a folder`);
  });

  test("options that cannot work together are refused together", () => {
    expect(oneLine(moodface(["pack", "frames/defaults", "--dither", "bayer", "--threshold", "90", "-o", join(dir, "t.bin")]))).toContain("--threshold and --dither bayer do not go together");
    expect(oneLine(moodface(["pack", "--defaults", "my-drawings", "-o", join(dir, "t.bin")]))).toContain("--defaults packs the generated faces");
    expect(oneLine(moodface(["stim", "gift", "--url", "ws://127.0.0.1:9/", "--port", "9"]))).toContain("--url and --port do not go together");
  });
});

describe("sim and stim check everything before they start", () => {
  const sim = (...args: string[]) => moodface(["sim", "--port", "0", ...args]);

  test("--state in a folder that takes no files (as an ordinary user)", () => {
    const ro = join(dir, "read-only");
    mkdirSync(ro);
    chmodSync(dir, 0o755);
    chmodSync(ro, 0o555);
    const line = oneLine(moodface(["sim", "--port", "0", "--state", join(ro, "s.bin")], { permissionsApply: true }));
    expect(line).toBe(`moodface: --state ${join(ro, "s.bin")}: the folder ${ro} does not take new files: permission denied (EACCES)`);
  });

  test("--state whose parent is a file, that is a folder, a FIFO, or under /proc", async () => {
    const f = file("plain", "x");
    expect(oneLine(sim("--state", join(f, "s.bin")))).toBe(`moodface: --state ${join(f, "s.bin")}: ${f} is a file, not a folder`);
    expect(oneLine(sim("--state", dir))).toBe(`moodface: --state ${dir}: is a folder; give a file name such as ${join(dir, "state.bin")}`);
    const fifo = join(dir, "fifo");
    const { spawnSync } = await import("node:child_process");
    spawnSync("mkfifo", [fifo]);
    expect(oneLine(sim("--state", fifo))).toBe(`moodface: --state ${fifo}: is not a regular file (a pipe or a device); give a file name`);
    expect(oneLine(sim("--state", "/proc/nosuch/s.bin"))).toBe("moodface: --state /proc/nosuch/s.bin: cannot create the folder /proc/nosuch: no such file or folder (ENOENT)");
  });

  test("--i2c-log into a missing folder", () => {
    const log = join(dir, "nope", "i2c.jsonl");
    expect(oneLine(sim("--state", join(dir, "s1.bin"), "--i2c-log", log))).toBe(`moodface: --i2c-log ${log}: the folder ${join(dir, "nope")} does not exist`);
  });

  test("an unknown profile or frames path exits 1 with the choices", () => {
    expect(oneLine(sim("--profile", "grumpy"))).toBe('moodface: --profile: unknown profile "grumpy"; shipped profiles are anxious, cheerful, default, guardian, inventor, lovheim');
    expect(oneLine(sim("--frames", "frames/frame.bin"))).toMatch(/^moodface: --frames frames\/frame\.bin: no such file or folder \(ENOENT\); packs here: .*frames\/frames\.bin/);
  });

  test("--speed above what the clock keeps is refused", () => {
    expect(oneLine(sim("--speed", "50"))).toContain("must be a number from 0.05 to 20");
  });

  test("stim --url that is not a WebSocket URL", async () => {
    expect(oneLine(await moodfaceAsync(["stim", "gift", "--url", "notaurl"]))).toBe('moodface: --url "notaurl": expected a WebSocket URL such as ws://127.0.0.1:8080/');
  });
});
