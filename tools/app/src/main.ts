/*
 * The one page for people: the simulator serves it as its page (`npm start`), and it is the stimulus
 * app for a real robot over Web Bluetooth. Connect, pair, send stimuli (intensity, context tags, the
 * direction they come from), watch the emotion, its Feeling Wheel word, the charts and the robot's
 * own event log; with a simulator also its panel, bus figures, sensors, clock controls and trace.
 * Every byte on the wire comes from the project's codec (modules/link/codec.ts); the catalog and the
 * wheel's words from the firmware's data files, or from the simulator's hello.
 */
import {
  decodeAck,
  decodeState,
  encodeForget,
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
  MSG_EVENT,
  MSG_FORGET,
  MSG_PAIR,
  MSG_PAIR_START,
  MSG_PROFILE,
  NO_DIRECTION,
  PROTOCOL_VERSION,
} from "../../../modules/link/codec.js";
import { ProfileControl } from "./profiles.js";
import { BAND_NAMES, CHANNELS, EMOTIONS } from "../../../modules/emotion/names.js";
import { loadCatalog } from "../../../modules/emotion/catalog.js";
import { loadWheel } from "../../../modules/emotion/wheel.js";
import type { Json } from "../../../modules/emotion/check.js";
import stimuliJson from "../../../modules/emotion/data/stimuli.json";
import wheelJson from "../../../modules/emotion/data/wheel.json";
import { HEIGHT, WIDTH } from "../../../modules/common/geometry.js";
import { bluetoothProblem } from "./support.js";
import { BluetoothTransport } from "./ble.js";
import { SimulatorTransport } from "./ws.js";
import type { Hello, Stats, Transport, TransportEvents } from "./transport.js";
import { EventLog } from "./events.js";
import { Charts } from "./charts.js";
import { CHANNEL_COLOURS, EMOTION_COLOURS, FALLBACK_COLOUR, TINTS } from "./palette.js";
import { panelGif } from "./gif.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
/** Charts from STATE (Bluetooth) at most this often. */
const CHART_EVERY_MS = 100;
/** Intensity bands (a simulator's model.json says them again, from the same list). */
let bands: readonly string[] = BAND_NAMES;
const PAIR_FIRST = "pair first: press Pair, then type the six digits the robot shows";
const SYSTEM_PAIRING = "The first time you send a stimulus, your phone or computer asks for a passkey: type the six digits shown on the robot. Watching works without pairing.";

const catalog = loadCatalog(stimuliJson as Json, "stimuli.json");
const wheel = loadWheel(wheelJson as Json, "wheel.json", catalog.tags);
let names: readonly string[] = catalog.names;
let descriptions: readonly string[] = catalog.descriptions;
let tags: readonly string[] = catalog.tags;
let words: readonly string[] = wheel.words;
let hello: Hello | undefined;

const eventLog = new EventLog($("event-log"));
const charts = new Charts($<HTMLCanvasElement>("levels-chart"), $<HTMLCanvasElement>("probs-chart"));

/** What the tests (and the curious) can read: window.moodfaceApp. */
const api = {
  ready: false,
  connected: false,
  kind: "",
  paired: false,
  pairing: "unpaired",
  emotion: "",
  word: "",
  states: 0,
  acks: 0,
  /** Messages refused as malformed or out of range (STATE, EVENT, replies). */
  refused: 0,
  errors: [] as number[],
  glass: null as Uint8Array | null,
  brightness: 0,
  epoch: "",
  /** The robot's trace lines (simulator), oldest first. */
  trace: [] as string[],
  stats: null as Stats | null,
  model: null as unknown,
  events: eventLog.lines as readonly string[],
  /** The profile the robot confirmed switching to (DONE to PROFILE), or the simulator's at hello. */
  profile: "",
  marks: eventLog.marks,
  colours: { emotions: EMOTION_COLOURS, channels: CHANNEL_COLOURS },
  /** What the charts show: per series its label, colour and points. */
  series: () => charts.series(),
  get chartPoints() {
    return charts.points;
  },
};
(window as unknown as { moodfaceApp: typeof api }).moodfaceApp = api;

let transport: Transport | undefined;
const status = (text: string) => ($("status").textContent = text);
const out = new Uint8Array(MAX_MESSAGE_BYTES);
let everPaired = false;
let asked = "";
let lastSent = "";

// ---- connect -------------------------------------------------------------------------------
const problem = bluetoothProblem();
if (problem) {
  $<HTMLButtonElement>("ble").disabled = true;
  $("ble-problem").textContent = problem;
  $("ble-problem").hidden = false;
}
// Served by a simulator (its page): its own WebSocket is the default, and the page connects by itself.
const servedBySimulator = location.protocol === "http:" || location.protocol === "https:";
const here = servedBySimulator ? `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/` : "ws://127.0.0.1:8080/";
const asked_sim = new URLSearchParams(location.search).get("sim");
$<HTMLInputElement>("sim-url").value = asked_sim ?? here;
$("max-tags").textContent = String(MAX_TAGS);

const events: TransportEvents = {
  state: onState,
  reply: onReply,
  up(t) {
    // The transport that came up is the one in use (a chooser's promise resolves only after this).
    transport = t;
    api.connected = true;
    api.kind = t.kind;
    document.body.classList.remove("disconnected");
    $("offline").hidden = true;
    $("stale").hidden = true;
    $("glass-box").hidden = t.kind !== "simulator";
    $("sim-extras").hidden = t.kind !== "simulator";
    $("sensors-box").hidden = t.kind !== "simulator";
    $("sim-controls").hidden = t.kind !== "simulator";
    $("trace-box").hidden = t.kind !== "simulator";
    if (t.kind === "bluetooth") {
      // No hello over BLE: the firmware's own catalog, the app's clock for the charts.
      names = catalog.names;
      descriptions = catalog.descriptions;
      tags = catalog.tags;
      words = wheel.words;
      buildControls();
      charts.reset(CHANNELS, EMOTIONS, false);
      eventLog.clear();
      bleT0 = performance.now();
      $("robot-name").textContent = t.label.replace(/ over Bluetooth$/, "");
      $("robot-kind").textContent = "over Bluetooth";
      $("versions").textContent = `protocol ${PROTOCOL_VERSION}`;
      api.ready = true;
    }
    status(`connected to the ${t.label}`);
    setPairing("unpaired", t.pairing === "system" ? SYSTEM_PAIRING : everPaired ? "reconnected, so pair again: press Pair, then type the six digits the robot shows" : PAIR_FIRST);
  },
  down(reason, retrying) {
    api.connected = false;
    api.ready = false;
    document.body.classList.add("disconnected");
    $("offline").textContent = `Disconnected: ${reason}. The controls are off until it is back${retrying ? "; retrying" : ""}.`;
    $("offline").hidden = false;
    $("stale").hidden = false;
    $("fps").textContent = "stopped";
    $("bytes").textContent = "0";
    $("util").textContent = "0%";
    status(`disconnected: ${reason}`);
    setPairing("unpaired", "disconnected: pairing ends with the connection; pair again once it is back");
  },
  hello: onHello,
  glass: drawGlass,
  stats: onStats,
  trace: onTrace,
  note: (text) => status(text),
  // The simulator says this page is paired: by a passkey (DONE to PAIR came first) or by the terminal's token.
  paired: () => {
    if (api.paired) return;
    everPaired = true;
    setPairing("paired", "paired by the simulator's token: your stimuli reach the robot until this page disconnects");
    status("paired");
  },
};

async function connectSimulator(url: string): Promise<void> {
  status(`connecting to ${url}...`);
  try {
    transport?.close();
    transport = await SimulatorTransport.connect(url, events);
  } catch (e) {
    status((e as Error).message);
    events.down((e as Error).message, false);
  }
}

$("ble").addEventListener("click", async () => {
  status("choose your robot in the browser's list...");
  try {
    transport?.close();
    transport = await BluetoothTransport.choose(events);
  } catch (e) {
    status((e as Error).message);
  }
});

$("sim-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  void connectSimulator($<HTMLInputElement>("sim-url").value.trim());
});

// ---- pairing -------------------------------------------------------------------------------
/** "unpaired", "asking" (the robot shows digits; the form is open), "paired" or "refused"; one line of text. */
function setPairing(state: string, text: string): void {
  api.paired = state === "paired";
  api.pairing = state;
  const box = $("pairing");
  box.classList.toggle("paired", state === "paired");
  box.classList.toggle("refused", state === "refused");
  $("pair-text").textContent = text;
  const app = transport?.pairing !== "system";
  $("pair-start").hidden = state === "paired" || !app;
  $("pair-form").hidden = state !== "asking";
  $("pair-note").textContent = app ? "Watching needs no pairing. Pairing lasts as long as the connection: after a reconnect, pair again." : "";
  if (state === "paired" || !app) $("stimuli").removeAttribute("aria-description");
  else $("stimuli").setAttribute("aria-description", PAIR_FIRST);
  updateControls();
}

/** Buttons that write are on only when connected (and paired, where the app pairs); the slider and tags when connected. */
function updateControls(): void {
  const connected = api.connected;
  const mayWrite = connected && (api.paired || transport?.pairing === "system");
  document.querySelectorAll<HTMLButtonElement>("#stimuli button, #forget, #profile-send").forEach((el) => (el.disabled = !mayWrite));
  document.querySelectorAll<HTMLInputElement | HTMLSelectElement>("#tags input, #strength, #direction, #profile").forEach((el) => (el.disabled = !connected));
  document.querySelectorAll<HTMLButtonElement>("#sensors button, #sim-controls button, #sim-controls select").forEach((el) => (el.disabled = !connected));
  $<HTMLButtonElement>("pair-start").disabled = !connected;
  $<HTMLButtonElement>("pair-send").disabled = !connected;
}

$("pair-start").addEventListener("click", () => {
  void send(out.subarray(0, encodePairStart(out))).then((ok) => {
    if (!ok) return;
    asked = "start";
    $("pair-text").textContent = "asking the robot for a passkey...";
  });
});
$("pair-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $<HTMLInputElement>("passkey").value.trim();
  if (!/^\d{6}$/.test(text)) {
    $("pair-text").textContent = "type all six digits the robot shows (numbers only), then press Send";
    return;
  }
  void send(out.subarray(0, encodePair(out, Number(text)))).then((ok) => ok && (asked = "pair"));
});
$("forget").addEventListener("click", () => {
  if (confirm("Forget every paired phone and computer? Each must pair again with the six digits.")) void send(out.subarray(0, encodeForget(out)));
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
    l.dataset.tag = t;
    const c = document.createElement("input");
    c.type = "checkbox";
    c.value = String(i);
    c.dataset.tag = t;
    l.append(c, " " + t.replace(/_/g, " "));
    field.append(l);
  });
  updateControls();
}

function sendStimulus(index: number): void {
  const strength = Math.round(Number($<HTMLInputElement>("strength").value) * 255);
  const chosen = [...document.querySelectorAll<HTMLInputElement>("#tags input:checked")].map((el) => Number(el.value));
  if (chosen.length > MAX_TAGS) {
    status(`at most ${MAX_TAGS} context tags at once`);
    return;
  }
  const d = $<HTMLSelectElement>("direction").value;
  lastSent = names[index];
  void send(out.subarray(0, encodeStimulus(out, index, strength, chosen, d === "" ? NO_DIRECTION : Number(d))));
}

/** Sends one message; false (and one line in the status) when it could not go. */
async function send(bytes: Uint8Array): Promise<boolean> {
  if (!transport || !api.connected) {
    status("connect first");
    return false;
  }
  try {
    await transport.write(bytes.slice());
    return true;
  } catch (e) {
    status((e as Error).message);
    return false;
  }
}

const profiles = new ProfileControl($<HTMLSelectElement>("profile"), $<HTMLButtonElement>("profile-send"), (bytes) => void send(bytes));

$("strength").addEventListener("input", () => ($("strength-value").textContent = Number($<HTMLInputElement>("strength").value).toFixed(2)));

// ---- from the robot ------------------------------------------------------------------------
function onHello(h: Hello): void {
  const newRobot = h.epoch !== api.epoch;
  hello = h;
  api.epoch = h.epoch;
  names = h.stimuli.map((s) => s.name);
  descriptions = h.stimuli.map((s) => s.description);
  tags = h.tags;
  words = h.words;
  api.profile = h.profile;
  if (h.profiles) profiles.list(h.profiles, h.profile);
  buildControls();
  // A new epoch is a new robot clock: charts, markers and the log of the old one go.
  if (newRobot || !charts.levels) {
    charts.reset(h.channels.map((c) => c.name), h.emotions, true);
    eventLog.clear();
    api.trace.length = 0;
    $("trace").textContent = "";
    onTrace(h.trace ?? []);
  }
  $("hz").textContent = `${h.hz / 1000} kHz`;
  $("robot-name").textContent = h.name;
  $("robot-kind").textContent = "simulator";
  $("versions").textContent = `firmware ${h.firmware} · protocol ${h.protocol}`;
  $<HTMLSelectElement>("speed").value = String(h.speed);
  setPausedUi(h.paused);
  status(`profile ${h.profile}` + (h.packError ? ` - ${h.packError}: built-in faces` : "") + (h.speed !== 1 ? ` - ${h.speed}x time` : ""));
  api.ready = true;
  void loadModel();
}

function onReply(b: Uint8Array): void {
  if (b[0] === MSG_EVENT) {
    const chartT = (e: { at: number }) => (transport?.kind === "simulator" ? e.at / 1000 : (performance.now() - bleT0 - 1000) / 1000);
    if (!eventLog.add(b, names, chartT)) api.refused++;
    return;
  }
  if (b[0] === MSG_ACK && decodeAck(b)) {
    api.acks++;
    status(`sent ${(names[b[1]] ?? "stimulus").replace(/_/g, " ")}`);
  } else if (b[0] === MSG_DONE && b.length === 2) {
    if (b[1] === MSG_PAIR_START) {
      // The simulator's panel shows the digits only to paired pages: the person reads them off its terminal.
      setPairing("asking", transport?.kind === "simulator" ? "type the six digits the simulator's terminal prints for this page (client " + (transport as SimulatorTransport).client + "), then press Send" : "type the six digits the robot shows on its panel, then press Send");
      $<HTMLInputElement>("passkey").value = "";
      $("passkey").focus();
    } else if (b[1] === MSG_PROFILE) {
      api.profile = profiles.done();
      status(`the robot is now ${api.profile}`);
    } else if (b[1] === MSG_PAIR) {
      everPaired = true;
      setPairing("paired", "paired: your stimuli reach the robot until this page disconnects");
      status("paired");
    } else if (b[1] === MSG_FORGET) status("the robot forgot every paired phone and computer");
  } else if (b[0] === MSG_ERROR && b.length === 3) {
    api.errors.push(b[1]);
    if (b[1] === ERR_PASSKEY) {
      // After PAIR_START: the robot refused a new passkey (too many tries on it at once).
      if (asked === "start") setPairing("refused", "the robot is refusing passkeys for a moment (too many tries): wait a second, then press Pair");
      else setPairing("refused", "wrong passkey, and those digits are spent: press Pair for new ones, then type them");
      status("wrong passkey");
    } else if (b[1] === ERR_NOT_PAIRED) {
      setPairing("refused", "not paired, nothing was sent: " + PAIR_FIRST.replace(/^pair first: /, ""));
      status(`not paired: ${lastSent ? `${lastSent.replace(/_/g, " ")} was not sent` : "nothing was sent"}`);
    } else status(`the robot refused it: ${ERROR_TEXT[b[1]] ?? `error ${b[1]}`} (byte ${b[2]})`);
  } else api.refused++;
}

let lastChart = -Infinity;
let bleT0 = performance.now();

function onState(b: Uint8Array): void {
  const s = decodeState(b);
  // A STATE that is not one, or names a word this page does not know: refused, nothing shown.
  if (!s || s.nuance >= words.length) {
    api.refused++;
    return;
  }
  api.states++;
  api.emotion = EMOTIONS[s.dominant];
  api.word = words[s.nuance];
  $("emotion").textContent = api.emotion;
  $("emotion").style.color = EMOTION_COLOURS[api.emotion] ?? FALLBACK_COLOUR;
  $("intensity").textContent = bands[Math.min(bands.length - 1, Math.floor(s.intensity * bands.length))];
  $("word").textContent = api.word;
  // The simulator's figures carry the robot's clock: its charts follow those (onStats).
  if (transport?.kind !== "bluetooth") return;
  const now = performance.now();
  if (now - lastChart < CHART_EVERY_MS) return;
  lastChart = now;
  charts.push((now - bleT0) / 1000, s.levels.map((v) => v * 100), undefined, s.probabilities);
}

function onStats(s: Stats): void {
  api.stats = s;
  $("fps").textContent = s.fps.toFixed(1);
  $("bytes").textContent = Math.round(s.busBytesPerSecond).toLocaleString();
  $("util").textContent = `${(s.busUtilisation * 100).toFixed(1)}%`;
  setPausedUi(s.paused);
  if (!s.display.online) status(`panel offline: ${s.display.lastError}`);
  const ch = hello?.channels ?? [];
  charts.push(
    s.t / 1000,
    s.levels.map((v, i) => (100 * v) / (ch[i]?.K ?? 1)),
    ch.map((c) => (100 * c.rest) / c.K),
    s.probabilities,
  );
}

const TRACE_MAX = 200;
function onTrace(lines: string[]): void {
  api.trace.push(...lines);
  if (api.trace.length > TRACE_MAX) api.trace.splice(0, api.trace.length - TRACE_MAX);
  const pre = $("trace");
  pre.textContent = api.trace.join("");
  pre.scrollTop = pre.scrollHeight;
}

// ---- the simulator's extras: its model, sensors, clock --------------------------------------
interface Model {
  profile: string;
  bands: string[];
  emotions: { name: string; terms: { channel: string; feature: string; weight: number }[] }[];
  tags: { name: string; stimuli: string[]; words: string[] }[];
}

const simHttp = () => (transport instanceof SimulatorTransport ? transport.httpUrl : "");

async function loadModel(): Promise<void> {
  try {
    const r = await fetch(new URL("model.json", simHttp()), { cache: "no-store" });
    if (r.ok) showModel((await r.json()) as Model);
  } catch {
    // shown on the next connection
  }
}

function showModel(model: Model): void {
  api.model = model;
  bands = model.bands;
  $("legend-figure").hidden = false;
  $("legend-profile").textContent = model.profile;
  const list = $("legend");
  list.replaceChildren();
  const term = (t: Model["emotions"][number]["terms"][number]) => (t.weight < 0 ? "less " : "") + (t.feature === "above" ? "high " : t.feature === "below" ? "low " : "") + t.channel;
  for (const e of model.emotions) {
    const li = document.createElement("li");
    li.dataset.emotion = e.name;
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = EMOTION_COLOURS[e.name] ?? FALLBACK_COLOUR;
    const name = document.createElement("strong");
    name.textContent = e.name;
    const drivers = document.createElement("span");
    drivers.className = "drivers";
    drivers.textContent = e.terms.length ? e.terms.map(term).join(" + ") : "wins when every other emotion is weak";
    li.append(swatch, name, " ", drivers);
    list.append(li);
  }
  const byName = new Map(model.tags.map((t) => [t.name, t]));
  document.querySelectorAll<HTMLLabelElement>("#tags label").forEach((l) => {
    const t = byName.get(l.dataset.tag ?? "");
    if (!t) return;
    const text = `${t.name}: sent with ${t.stimuli.length ? t.stimuli.join(", ") : "no stimulus"}; picks ${t.words.length ? t.words.join(", ") : "no word by itself"}`;
    l.title = text;
    l.querySelector("input")?.setAttribute("aria-description", text);
  });
}

document.querySelectorAll<HTMLButtonElement>("#sensors button").forEach((b) =>
  b.addEventListener("click", () => void post(`sense?what=${b.dataset.sense}`)),
);

/** A POST to the simulator (same checks as its WebSocket); the answer's first line goes to the status when refused. */
async function post(path: string): Promise<boolean> {
  try {
    const key = transport instanceof SimulatorTransport ? transport.key : "";
    const r = await fetch(new URL(path, simHttp()), { method: "POST", headers: key ? { "x-moodface-key": key } : {} });
    if (!r.ok) status((await r.text()).split("\n")[0]);
    return r.ok;
  } catch (e) {
    status(`the simulator did not answer (${(e as Error).message})`);
    return false;
  }
}

function setPausedUi(paused: boolean): void {
  $("pause").textContent = paused ? "Run" : "Pause";
  $("pause").setAttribute("aria-pressed", String(paused));
  $<HTMLButtonElement>("step").disabled = !paused || !api.connected;
}
$("pause").addEventListener("click", () => void post(`control?pause=${$("pause").getAttribute("aria-pressed") === "true" ? 0 : 1}`));
$("step").addEventListener("click", () => void post("control?step=1"));
$("speed").addEventListener("change", () => void post(`control?speed=${$<HTMLSelectElement>("speed").value}`));

// ---- exports ---------------------------------------------------------------------------------
function download(name: string, blob: Blob): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
$("export-levels").addEventListener("click", () => download("moodface-levels.csv", new Blob([charts.csv()], { type: "text/csv" })));
$("export-log").addEventListener("click", () => {
  const rows = eventLog.lines.map((l) => `"${l.replace(/"/g, '""')}"`);
  download("moodface-events.csv", new Blob([["event", ...rows].join("\n") + "\n"], { type: "text/csv" }));
});
$("export-panel").addEventListener("click", () => $<HTMLCanvasElement>("glass").toBlob((b) => b && download("moodface-panel.png", b), "image/png"));
$("export-gif").addEventListener("click", () => {
  if (recent.length === 0) return status("no frames of the panel yet");
  download("moodface-panel.gif", new Blob([panelGif(recent, TINTS[tint]) as Uint8Array<ArrayBuffer>], { type: "image/gif" }));
});

// ---- the panel's glass -------------------------------------------------------------------------
const glassCanvas = $<HTMLCanvasElement>("glass");
const glassCtx = glassCanvas.getContext("2d")!;
const image = glassCtx.createImageData(WIDTH, HEIGHT);
let tint = "blue";
glassCanvas.classList.add("glow-blue");
/** The panel's frames of the last GIF_MS (wall time), for "Last 3 s as GIF". */
const GIF_MS = 3000;
const recent: { at: number; glass: Uint8Array }[] = [];
function drawGlass(bytes: Uint8Array, brightness: number): void {
  api.glass = bytes.slice();
  const now = performance.now();
  recent.push({ at: now, glass: api.glass });
  while (recent.length && now - recent[0].at > GIF_MS) recent.shift();
  api.brightness = brightness;
  const [r, g, b] = TINTS[tint];
  const k = brightness / 255;
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) {
      const on = (bytes[(y >> 3) * WIDTH + x] >> (y & 7)) & 1;
      const i = (y * WIDTH + x) * 4;
      image.data[i] = on ? r * k : 0;
      image.data[i + 1] = on ? g * k : 0;
      image.data[i + 2] = on ? b * k : 0;
      image.data[i + 3] = 255;
    }
  glassCtx.putImageData(image, 0, 0);
}
$("tint").addEventListener("change", () => {
  tint = $<HTMLSelectElement>("tint").value;
  glassCanvas.className = `glow-${tint}`;
  if (api.glass) drawGlass(api.glass, api.brightness);
});

buildControls();
setPairing("unpaired", "connect first: a robot over Bluetooth, or a simulator");
$("robot-kind").textContent = "not connected";
// On load: the simulator that served this page (or ?sim=), else the robot this browser used last,
// where the browser allows that (getDevices).
async function autoConnect(): Promise<void> {
  if (servedBySimulator || asked_sim) {
    try {
      transport = await SimulatorTransport.connect($<HTMLInputElement>("sim-url").value, events);
      return;
    } catch {
      // Not a simulator's page: a static copy of the app. Nothing said; the buttons are there.
    }
  }
  if (problem) return;
  try {
    const t = await BluetoothTransport.reconnect(events);
    if (t) transport = t;
  } catch (e) {
    status((e as Error).message);
  }
}
void autoConnect();
