/*
 * The stimulus app: connect to a robot (Web Bluetooth) or a simulator (WebSocket), pair, send
 * stimuli, watch the emotion, its Feeling Wheel word and the levels inside. Every byte on the wire
 * comes from the project's codec (modules/link/codec.ts); the catalog and the wheel's words come
 * from the firmware's own data files, or from the simulator's hello.
 */
import { Chart, registerables } from "chart.js";
import {
  decodeAck,
  decodeState,
  encodePair,
  encodePairStart,
  encodeStimulus,
  ERR_NOT_PAIRED,
  ERR_PASSKEY,
  ERROR_TEXT,
  MAX_MESSAGE_BYTES,
  MAX_TAGS,
  MSG_ACK,
  MSG_DONE,
  MSG_ERROR,
  MSG_PAIR,
  MSG_PAIR_START,
  MSG_PROFILE,
  MSG_STATE,
} from "../../../modules/link/codec.js";
import { ProfileControl } from "./profiles.js";
import { CHANNELS, EMOTIONS } from "../../../modules/emotion/names.js";
import { loadCatalog } from "../../../modules/emotion/catalog.js";
import { loadWheel } from "../../../modules/emotion/wheel.js";
import type { Json } from "../../../modules/emotion/check.js";
import stimuliJson from "../../../modules/emotion/data/stimuli.json";
import wheelJson from "../../../modules/emotion/data/wheel.json";
import { bluetoothProblem } from "./support.js";
import { BluetoothTransport } from "./ble.js";
import { SimulatorTransport } from "./ws.js";
import type { Hello, Transport, TransportEvents } from "./transport.js";
import { EventLog } from "./events.js";
import { loadBehaviour, type Behaviour } from "../../../modules/app/behaviour.js";
import behaviourJson from "../../../modules/emotion/data/behaviour.json";
import { HEIGHT, WIDTH } from "../../../modules/common/geometry.js";

Chart.register(...registerables);

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const COLORS = ["#ffb347", "#78c8ff", "#c3a6ff", "#ff6b6b", "#ff8fc7", "#8fe388", "#ffd166", "#9aa5b1"];
const HISTORY_S = 60;
const CHART_EVERY_MS = 100;

const catalog = loadCatalog(stimuliJson as Json, "stimuli.json");
const wheel = loadWheel(wheelJson as Json, "wheel.json", catalog.tags);
let names: readonly string[] = catalog.names;
let descriptions: readonly string[] = catalog.descriptions;
let tags: readonly string[] = catalog.tags;
let words: readonly string[] = wheel.words;
// The event log (events.ts): what each stimulus did, with the reflex the firmware's table gives it.
let behaviour: Behaviour | undefined;
try {
  behaviour = loadBehaviour(behaviourJson as Json, "behaviour.json", catalog);
} catch {
  behaviour = undefined;
}
const eventLog = new EventLog(document.getElementById("event-log"), behaviour);
let lastIntensity = 0;

/** What the tests (and the curious) can read: window.moodfaceApp. */
const api = {
  connected: false,
  kind: "",
  paired: false,
  emotion: "",
  word: "",
  states: 0,
  acks: 0,
  errors: [] as number[],
  chartPoints: 0,
  glass: null as Uint8Array | null,
  /** The event log's sentences, oldest first. */
  events: eventLog.lines as readonly string[],
  /** The profile the robot confirmed switching to (DONE to PROFILE), or the simulator's at hello. */
  profile: "",
};
(window as unknown as { moodfaceApp: typeof api }).moodfaceApp = api;

let transport: Transport | undefined;
const status = (text: string) => ($("status").textContent = text);
const out = new Uint8Array(MAX_MESSAGE_BYTES);

// ---- connect -------------------------------------------------------------------------------
const problem = bluetoothProblem();
if (problem) {
  $<HTMLButtonElement>("ble").disabled = true;
  $("ble-problem").textContent = problem;
  $("ble-problem").hidden = false;
}
// Served by a simulator (/app/ on its port): its own WebSocket is the default.
const here = location.protocol === "http:" || location.protocol === "https:" ? `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/` : "ws://127.0.0.1:8080/";
$<HTMLInputElement>("sim-url").value = new URLSearchParams(location.search).get("sim") ?? here;

const events: TransportEvents = {
  message: onMessage,
  up(t) {
    api.connected = true;
    api.paired = false;
    status(`connected to the ${t.label}`);
    showPairing(t);
    for (const id of ["robot", "controls", "charts"]) $(id).hidden = false;
  },
  down(reason, retrying) {
    api.connected = false;
    api.paired = false;
    status(`${reason}${retrying ? "; reconnecting..." : ""}`);
  },
  hello: onHello,
  glass: drawGlass,
};

$("ble").addEventListener("click", async () => {
  status("choose your robot in the browser's list...");
  try {
    transport?.close();
    transport = await BluetoothTransport.choose(events);
    api.kind = "bluetooth";
    $("glass").hidden = true;
  } catch (e) {
    status((e as Error).message);
  }
});

$("sim-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const url = $<HTMLInputElement>("sim-url").value.trim();
  status(`connecting to ${url}...`);
  try {
    transport?.close();
    transport = await SimulatorTransport.connect(url, events);
    api.kind = "simulator";
    $("glass").hidden = false;
  } catch (e) {
    status((e as Error).message);
  }
});

// ---- pairing -------------------------------------------------------------------------------
function showPairing(t: Transport | undefined = transport): void {
  $("pairing").hidden = false;
  $("pair-form").hidden = true;
  if (t?.pairing === "system") {
    $("pair-text").textContent =
      "The first time you send a stimulus, your phone or computer asks for a passkey: type the six digits shown on the robot. Watching works without pairing.";
    $("pair-start-row").hidden = true;
  } else {
    $("pair-text").textContent = "Watching works without pairing. To send stimuli, pair: the robot shows six digits on its screen.";
    $("pair-start-row").hidden = false;
  }
}

$("pair-start").addEventListener("click", () => void send(out.subarray(0, encodePairStart(out))));
$("pair-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $<HTMLInputElement>("passkey").value.trim();
  if (!/^\d{6}$/.test(text)) {
    status("type the six digits shown on the robot (numbers only)");
    return;
  }
  void send(out.subarray(0, encodePair(out, Number(text))));
});

// ---- stimuli -------------------------------------------------------------------------------
function buildControls(): void {
  const box = $("stimuli");
  box.replaceChildren();
  names.forEach((name, i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = name.replace(/_/g, " ");
    b.title = descriptions[i] ?? "";
    b.dataset.stimulus = name;
    b.addEventListener("click", () => sendStimulus(i));
    box.append(b);
  });
  const field = $("tags");
  field.querySelectorAll("label").forEach((l) => l.remove());
  tags.forEach((t, i) => {
    const l = document.createElement("label");
    const c = document.createElement("input");
    c.type = "checkbox";
    c.value = String(i);
    c.dataset.tag = t;
    l.append(c, " " + t.replace(/_/g, " "));
    field.append(l);
  });
}

let lastSent = "";
function sendStimulus(index: number): void {
  const strength = Math.round(Number($<HTMLInputElement>("strength").value) * 255);
  const chosen = [...document.querySelectorAll<HTMLInputElement>("#tags input:checked")].map((el) => Number(el.value));
  if (chosen.length > MAX_TAGS) {
    status(`at most ${MAX_TAGS} context tags at once`);
    return;
  }
  lastSent = names[index];
  lastIntensity = strength / 255;
  void send(out.subarray(0, encodeStimulus(out, index, strength, chosen)));
}

async function send(bytes: Uint8Array): Promise<void> {
  if (!transport) {
    status("connect first");
    return;
  }
  try {
    await transport.write(bytes.slice());
  } catch (e) {
    status((e as Error).message);
  }
}

const profiles = new ProfileControl($<HTMLSelectElement>("profile"), $<HTMLButtonElement>("profile-send"), (bytes) => void send(bytes));

$("strength").addEventListener("input", () => ($("strength-value").textContent = Number($<HTMLInputElement>("strength").value).toFixed(2)));

// ---- from the robot ------------------------------------------------------------------------
function onHello(h: Hello): void {
  names = h.stimuli.map((s) => s.name);
  descriptions = h.stimuli.map((s) => s.description);
  tags = h.tags;
  words = h.words;
  api.profile = h.profile;
  if (h.profiles) profiles.list(h.profiles, h.profile);
  buildControls();
}

function onMessage(b: Uint8Array): void {
  if (b[0] === MSG_STATE) return onState(b);
  if (b[0] === MSG_ACK) {
    api.acks++;
    const ack = decodeAck(b);
    eventLog.applied(b[1], names[b[1]] ?? "stimulus", lastIntensity, performance.now(), (performance.now() - t0) / 1000, ack?.served ?? 0, ack?.violated ?? 0);
    status(`sent ${(names[b[1]] ?? "stimulus").replace(/_/g, " ")}`);
  } else if (b[0] === MSG_DONE) {
    if (b[1] === MSG_PAIR_START) {
      $("pair-form").hidden = false;
      $<HTMLInputElement>("passkey").value = "";
      $("passkey").focus();
      status("type the six digits shown on the robot");
    } else if (b[1] === MSG_PROFILE) {
      api.profile = profiles.done();
      status(`the robot is now ${api.profile}`);
    } else if (b[1] === MSG_PAIR) {
      api.paired = true;
      $("pair-form").hidden = true;
      $("pair-start-row").hidden = true;
      $("pair-text").textContent = "Paired: your stimuli reach the robot.";
      status("paired");
    }
  } else if (b[0] === MSG_ERROR) {
    api.errors.push(b[1]);
    if (b[1] === ERR_NOT_PAIRED) {
      api.paired = false;
      showPairing();
      status(`not paired: ${lastSent ? `${lastSent.replace(/_/g, " ")} was not sent; ` : ""}pair first with the six digits shown on the robot`);
    } else if (b[1] === ERR_PASSKEY) {
      $("pair-form").hidden = true;
      $("pair-start-row").hidden = false;
      status("wrong passkey: press Pair to get new digits on the robot, then type them");
    } else status(`the robot refused it: ${ERROR_TEXT[b[1]] ?? `error ${b[1]}`} (byte ${b[2]})`);
  }
}

let levelsChart: Chart<"line"> | undefined;
let probsChart: Chart<"line"> | undefined;
const t0 = performance.now();
let lastChart = -Infinity;

function onState(b: Uint8Array): void {
  const s = decodeState(b);
  if (!s) return;
  api.states++;
  api.emotion = EMOTIONS[s.dominant] ?? "?";
  api.word = words[s.nuance] ?? "";
  $("emotion").textContent = api.emotion;
  $("intensity").textContent = s.intensity < 1 / 3 ? "(mild)" : s.intensity < 2 / 3 ? "(medium)" : "(strong)";
  $("word").textContent = api.word;
  const now = performance.now();
  eventLog.state(s.probabilities, s.dominant, now);
  if (now - lastChart < CHART_EVERY_MS) return;
  lastChart = now;
  makeCharts();
  const t = (now - t0) / 1000;
  s.levels.forEach((v, i) => levelsChart!.data.datasets[i].data.push({ x: t, y: v * 100 }));
  s.probabilities.forEach((p, i) => probsChart!.data.datasets[i].data.push({ x: t, y: p }));
  for (const chart of [levelsChart!, probsChart!]) {
    for (const d of chart.data.datasets) while (d.data.length && (d.data[0] as { x: number }).x < t - HISTORY_S) d.data.shift();
    chart.update("none");
  }
  api.chartPoints++;
}

function makeCharts(): void {
  if (levelsChart) return;
  const tick = { color: "#8a94a3" };
  const options = (max: number) => ({
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false as const,
    scales: { x: { type: "linear" as const, title: { display: true, text: "seconds" }, ticks: tick }, y: { min: 0, max, ticks: tick } },
    plugins: { legend: { labels: { color: "#e6e9ee" } } },
  });
  const sets = (labels: readonly string[]) => labels.map((label, i) => ({ label, data: [] as { x: number; y: number }[], borderColor: COLORS[i], pointRadius: 0, borderWidth: 2 }));
  levelsChart = new Chart($<HTMLCanvasElement>("levels-chart"), { type: "line", data: { datasets: sets(CHANNELS) }, options: options(100) });
  probsChart = new Chart($<HTMLCanvasElement>("probs-chart"), { type: "line", data: { datasets: sets(EMOTIONS) }, options: options(1) });
}

const glassCtx = $<HTMLCanvasElement>("glass").getContext("2d")!;
const image = glassCtx.createImageData(WIDTH, HEIGHT);
function drawGlass(bytes: Uint8Array, brightness: number): void {
  api.glass = bytes.slice();
  const k = brightness / 255;
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) {
      const on = (bytes[(y >> 3) * WIDTH + x] >> (y & 7)) & 1;
      const i = (y * WIDTH + x) * 4;
      image.data[i] = on ? 120 * k : 0;
      image.data[i + 1] = on ? 200 * k : 0;
      image.data[i + 2] = on ? 255 * k : 0;
      image.data[i + 3] = 255;
    }
  glassCtx.putImageData(image, 0, 0);
}

buildControls();
