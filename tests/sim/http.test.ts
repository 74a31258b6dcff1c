/*
 * The simulator's HTTP side: HEAD is answered, the page (the app, tools/app) and its assets carry CSP
 * and X-Frame-Options, the favicon exists, old /app/ links land on the page, and the clock controls
 * refuse what they cannot do.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EMOTIONS } from "../../modules/emotion/names.js";
import { startSim, type Sim } from "../../tools/sim/server.js";
import { REPO_ROOT } from "../../tools/lib/data.js";
import { tempDir } from "../helpers/cli.js";
import { terminalHeaders } from "../helpers/passkey.js";

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
    expect((await fetch(new URL("/../package.json", sim.url))).status).toBe(404);
    // The page's own script, under the same headers.
    const script = (await get.text()).match(/src="\.\/(assets\/[^"]+\.js)"/)![1];
    const js = await fetch(new URL(script, sim.url));
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("content-security-policy")).toContain("script-src 'self'");
    const old = await fetch(new URL("/app/", sim.url), { redirect: "manual" });
    expect([old.status, old.headers.get("location")]).toEqual([308, "/"]);
  });

  test("/control: pause, step one frame while paused, speed within limits; other sites refused", async () => {
    const auth = await terminalHeaders(sim);
    const post = (q: string, headers: Record<string, string> = {}) => fetch(new URL(`/control?${q}`, sim.url), { method: "POST", headers: { ...auth, ...headers } });
    // Not paired (no cookie from the token, no session key): 401, the clock untouched.
    expect((await fetch(new URL("/control?pause=1", sim.url), { method: "POST" })).status).toBe(401);
    expect((await post("pause=1")).status).toBe(200);
    const t = sim.time();
    expect((await post("step=1")).status).toBe(200);
    expect(sim.time()).toBeGreaterThan(t);
    expect(sim.time() - t).toBeLessThanOrEqual(40);
    expect((await post("speed=0")).status).toBe(400);
    expect((await post("speed=2")).status).toBe(200);
    expect((await post("pause=1", { origin: "http://evil.example" })).status).toBe(403);
    expect((await fetch(new URL("/control?pause=1", sim.url))).status).toBe(405);
    expect((await post("pause=0")).status).toBe(200);
    expect((await post("step=1")).status).toBe(409);
    sim.pause(true);
  });

  test("the favicon is served", async () => {
    for (const path of ["/favicon.svg", "/favicon.ico"]) {
      const r = await fetch(new URL(path, sim.url));
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("image/svg+xml");
    }
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
