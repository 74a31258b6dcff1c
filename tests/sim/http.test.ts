/*
 * The simulator's HTTP side: HEAD is answered, the page carries CSP and X-Frame-Options, the favicon
 * exists, and the page's protocol comes from the firmware's codec (bundled), not from a copy.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import * as codec from "../../modules/link/codec.js";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { MSG_GLASS, startSim, type Sim } from "../../tools/sim/server.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";

describe("simulator HTTP", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(tempDir(), "s.bin"), speed: 1, hz: 400000, seed: 1, quiet: true });
    sim.pause(true);
  });
  afterAll(() => sim.close());

  test("GET and HEAD of the page: same headers, CSP and X-Frame-Options, no body for HEAD", async () => {
    const get = await fetch(sim.url);
    const head = await fetch(sim.url, { method: "HEAD" });
    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(head.headers.get("content-length")).toBe(get.headers.get("content-length"));
    for (const r of [get, head]) {
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      const csp = r.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await fetch(sim.url, { method: "POST" })).status).toBe(405);
    expect((await fetch(new URL("/nothing-here", sim.url))).status).toBe(404);
  });

  test("the favicon is served", async () => {
    for (const path of ["/favicon.svg", "/favicon.ico"]) {
      const r = await fetch(new URL(path, sim.url));
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("image/svg+xml");
    }
    expect(readFileSync(join(REPO_ROOT, "tools/sim/web/index.html"), "utf8")).toContain('rel="icon" href="/favicon.svg"');
  });

  test("/codec.js is the firmware's codec: same constants, same encoder; the page retypes none", async () => {
    const text = await (await fetch(new URL("/codec.js", sim.url))).text();
    const context: Record<string, unknown> = {};
    runInNewContext(text, context, { filename: "codec.js" });
    const bundled = context.MoodfaceCodec as typeof codec & { MSG_GLASS: number };
    for (const k of ["MSG_STIMULUS", "MSG_ACK", "MSG_STATE", "MSG_ERROR", "MAX_TAGS", "MAX_MESSAGE_BYTES", "PROTOCOL_VERSION"] as const) expect(bundled[k]).toBe(codec[k]);
    expect(bundled.MSG_GLASS).toBe(MSG_GLASS);
    expect([...bundled.ERROR_TEXT]).toEqual([...codec.ERROR_TEXT]);
    const a = new Uint8Array(20);
    const b = new Uint8Array(20);
    expect(bundled.encodeStimulus(a, 5, 200, [1, 2])).toBe(codec.encodeStimulus(b, 5, 200, [1, 2]));
    expect(a).toEqual(b);
    const page = readFileSync(join(REPO_ROOT, "tools/sim/web/app.js"), "utf8");
    expect(page).not.toMatch(/0x(01|81|90|ff|a0)\b/i);
    expect(page).not.toContain("unknown message type");
  });

  test("/model.json: drivers of every emotion from the running profile, and what each tag does", async () => {
    const m = await (await fetch(new URL("/model.json", sim.url))).json();
    expect(m.emotions.map((e: { name: string }) => e.name)).toEqual([...EMOTIONS]);
    const profile = JSON.parse(readFileSync(join(REPO_ROOT, "modules/emotion/data/profiles/default.json"), "utf8"));
    const joy = m.emotions.find((e: { name: string }) => e.name === "joy");
    expect(joy.terms.map((t: { channel: string }) => t.channel)).toEqual(profile.readout.emotions.joy.flatMap((a: { terms: { channel: string }[] }) => a.terms.map((t) => t.channel)));
    const threat = m.tags.find((t: { name: string }) => t.name === "threat");
    expect(threat.stimuli).toContain("threat");
    expect(m.bands).toEqual(["mild", "medium", "strong"]);
  });
});
