/*
 * docs/images/reflexes.png: the simulator page's panel during each reflex, asleep and waking, in
 * Debian's chromium. Runs the real simulator (tools/sim/server.ts) at 1x, presses the page's
 * stimulus, touch and motion buttons, stops the robot's clock at a chosen moment of each reaction
 * (as tests/sim/reflexes.test.ts does), waits until the page shows that frame, and screenshots the
 * panel; sharp lays the shots out with labels.
 *
 *   npx tsx tools/sim/reflex-montage.ts [out.png]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { chromium, type Page } from "playwright-core";
import { startSim, type Sim } from "./server.js";
import { pairPage } from "./page-pairing.js";
import { REPO_ROOT } from "../lib/data.js";
import { REFLEXES } from "../../modules/face/reflexes.js";

interface Shot {
  label: string;
  /** What to press: a stimulus button or a sensor button. */
  press: string;
  /** The reflex to catch (REFLEXES name), or "asleep". */
  show: string;
  /** Robot ms after the stimulus landed. */
  after: number;
}

const SHOTS: Shot[] = [
  { label: "startle (loud noise)", press: 'button[data-stimulus="loud_noise"]', show: "startle", after: 150 },
  { label: "flinch (hit)", press: 'button[data-stimulus="hit"]', show: "flinch", after: 100 },
  { label: "giggle (touch pad)", press: '#sensors button[data-sense="touch"]', show: "giggle", after: 150 },
  { label: "heart eyes (gift)", press: 'button[data-stimulus="gift"]', show: "hearts", after: 100 },
  { label: "double take (trick)", press: 'button[data-stimulus="trick"]', show: "double_take", after: 400 },
  { label: "startle (shake, IMU)", press: '#sensors button[data-sense="shake"]', show: "startle", after: 150 },
  { label: "asleep (night)", press: 'button[data-stimulus="night"]', show: "asleep", after: 1500 },
  { label: "waking: startle (touch)", press: '#sensors button[data-sense="touch"]', show: "startle", after: 150 },
];

const until = async (ok: () => boolean, what: string, sim: Sim, ms = 5000) => {
  const since = sim.time();
  while (!ok()) {
    if (sim.time() > since + ms) throw new Error(`${what}: not seen`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

async function main(out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "moodface-montage-"));
  const sim = await startSim({ port: 0, framesFile: join(REPO_ROOT, "frames", "frames.bin"), stateFile: join(dir, "state.bin"), speed: 1, hz: 400000, seed: 1, quiet: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
  const shots: Buffer[] = [];
  try {
    let landed = -1;
    const server = sim.robot.onStimulus;
    sim.robot.onStimulus = (s, i, did) => {
      server?.(s, i, did);
      landed = sim.time();
    };
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await page.goto(sim.url);
    await page.waitForFunction(() => (window as any).moodfaceApp?.ready && (window as any).moodfaceApp.glass);
    await pairPage(page, sim);
    const a = sim.robot.animator;
    for (const s of SHOTS) {
      await new Promise((r) => setTimeout(r, 2500)); // the last reaction over, the mood settling
      landed = -1;
      await page.click(s.press);
      const showing = () => (s.show === "asleep" ? a.asleep : a.reflexing >= 0 && REFLEXES[a.reflexing] === s.show);
      await until(() => landed >= 0 && sim.time() >= landed + s.after && showing(), s.label, sim);
      sim.pause(true);
      const glass = Array.from(sim.host.panel.glassFrame());
      await page.waitForFunction((want) => {
        const g = (window as any).moodfaceApp.glass as Uint8Array | null;
        return !!g && g.every((v, i) => v === want[i]);
      }, glass);
      shots.push(await page.locator(".bezel").screenshot());
      sim.pause(false);
    }
  } finally {
    await browser.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const W = 280;
  const H = 148;
  const LABEL = 26;
  const COLS = 4;
  const rows = Math.ceil(shots.length / COLS);
  const tiles = await Promise.all(shots.map((b) => sharp(b).resize(W, H, { fit: "fill" }).png().toBuffer()));
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const labels = SHOTS.map((s, i) => `<text x="${(i % COLS) * W + W / 2}" y="${Math.floor(i / COLS) * (H + LABEL) + H + 18}" text-anchor="middle">${esc(s.label)}</text>`).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W * COLS}" height="${rows * (H + LABEL)}"><style>text{font:15px "DejaVu Sans",sans-serif;fill:#222}</style>${labels}</svg>`;
  await sharp({ create: { width: W * COLS, height: rows * (H + LABEL), channels: 3, background: "#ffffff" } })
    .composite([...tiles.map((t, i) => ({ input: t, left: (i % COLS) * W, top: Math.floor(i / COLS) * (H + LABEL) })), { input: Buffer.from(svg), left: 0, top: 0 }])
    .png({ palette: true, colours: 64 })
    .toFile(out);
}

await main(process.argv[2] ?? join(REPO_ROOT, "docs", "images", "reflexes.png"));
