// The simulator page: the panel drawn from what the virtual SSD1306's glass shows, stimulus controls
// speaking the robot's binary protocol (docs/protocol.md) through the firmware's own codec (bundled
// by the server as /codec.js: window.MoodfaceCodec), and live charts (Chart.js). The page watches
// until it pairs: Pair sends PAIR_START, the robot draws six digits on its panel (shown here like any
// frame), the user types them and the page sends PAIR; only then are the stimulus buttons on.
// Pairing lasts as long as the connection (docs/simulator.md).
"use strict";
(() => {
  const codec = window.MoodfaceCodec;
  // Conventional emotion colours, by name: joy yellow, sad blue, mad red, fear purple, love pink,
  // surprise orange, power green, calm grey-teal.
  const EMOTION_COLOURS = { joy: "#ffd60a", sad: "#3d8bfd", mad: "#ef3e36", fear: "#a05cf0", love: "#ff6fb5", surprise: "#ff8c1a", power: "#3fbf5f", calm: "#7fa7a4" };
  // Neuromodulators: a separate family of colours (earthy and pale), none of the above.
  const CHANNEL_COLOURS = { dopamine: "#d4e157", serotonin: "#4dd0e1", noradrenaline: "#bcaaa4", adrenaline: "#f5f0e1", oxytocin: "#b0bec5", endorphins: "#9e9d24" };
  const FALLBACK = "#cccccc";
  const TINTS = { blue: [120, 200, 255], white: [255, 255, 255] };
  const HISTORY_S = 60;
  const $ = (id) => document.getElementById(id);
  const api = (window.moodface = { ready: false, connected: false, paired: false, emotion: "", nuance: "", glass: null, acks: 0, errors: [], colours: { emotions: EMOTION_COLOURS, channels: CHANNEL_COLOURS }, model: null });
  let hello = null;
  let ws;
  let tint = "blue";
  let lastGlass = null;
  const out = new Uint8Array(codec.MAX_MESSAGE_BYTES);
  const PAIR_FIRST = "pair first: press Pair, then type the six digits the robot shows";
  // Whether this page has paired before (a reconnect says to pair again), and what it last asked.
  let everPaired = false;
  let asked = "";
  const canvas = $("panel");
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(128, 64);
  canvas.classList.add("glow-blue");
  $("max-tags").textContent = String(codec.MAX_TAGS);

  function drawGlass(bytes, brightness) {
    const [r, g, b] = TINTS[tint];
    const k = brightness / 255;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 128; x++) {
        const on = (bytes[(y >> 3) * 128 + x] >> (y & 7)) & 1;
        const i = (y * 128 + x) * 4;
        image.data[i] = on ? r * k : 0;
        image.data[i + 1] = on ? g * k : 0;
        image.data[i + 2] = on ? b * k : 0;
        image.data[i + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  let levelsChart, probsChart;
  function makeCharts() {
    const common = { animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: "nearest", intersect: false },
      scales: { x: { type: "linear", title: { display: true, text: "seconds" }, ticks: { color: "#8a94a3" } }, y: { min: 0, max: 100, ticks: { color: "#8a94a3" } } },
      plugins: { legend: { labels: { color: "#e6e9ee", filter: (item) => !item.text.endsWith(" rest") } } } };
    const levelSets = [];
    hello.channels.forEach((c) => {
      const colour = CHANNEL_COLOURS[c.name] || FALLBACK;
      levelSets.push({ label: c.name, data: [], borderColor: colour, backgroundColor: colour, pointRadius: 0, borderWidth: 2 });
      levelSets.push({ label: c.name + " rest", data: [], borderColor: colour, borderDash: [4, 4], pointRadius: 0, borderWidth: 1 });
    });
    levelsChart = new Chart($("levels-chart"), { type: "line", data: { datasets: levelSets }, options: common });
    const probSets = hello.emotions.map((e) => ({ label: e, data: [], borderColor: EMOTION_COLOURS[e] || FALLBACK, backgroundColor: EMOTION_COLOURS[e] || FALLBACK, pointRadius: 0, borderWidth: 2 }));
    probsChart = new Chart($("probs-chart"), { type: "line", data: { datasets: probSets }, options: { ...common, scales: { ...common.scales, y: { min: 0, max: 1, ticks: { color: "#8a94a3" } } } } });
    api.charts = { levels: levelsChart, probabilities: probsChart };
  }

  function onStats(s) {
    $("fps").textContent = s.fps.toFixed(1);
    $("bytes").textContent = Math.round(s.busBytesPerSecond).toLocaleString();
    $("util").textContent = (s.busUtilisation * 100).toFixed(1) + "%";
    const t = s.t / 1000;
    hello.channels.forEach((c, i) => {
      const d = levelsChart.data.datasets;
      d[2 * i].data.push({ x: t, y: (100 * s.levels[i]) / c.K });
      d[2 * i + 1].data.push({ x: t, y: (100 * c.rest) / c.K });
    });
    s.probabilities.forEach((p, i) => probsChart.data.datasets[i].data.push({ x: t, y: p }));
    for (const chart of [levelsChart, probsChart]) {
      for (const d of chart.data.datasets) while (d.data.length && d.data[0].x < t - HISTORY_S) d.data.shift();
      chart.update("none");
    }
    if (!s.display.online) $("status").textContent = "panel offline: " + s.display.lastError;
    if (window.moodfaceEvents) window.moodfaceEvents.show(s.events); // events.js: the event log and chart markers
  }

  function bandName(intensity) {
    const bands = api.model ? api.model.bands : ["mild", "medium", "strong"];
    return bands[Math.min(bands.length - 1, Math.floor(intensity * bands.length))];
  }

  function onState(b) {
    const s = codec.decodeState(b);
    if (!s) return;
    api.emotion = hello.emotions[s.dominant];
    api.nuance = hello.words[s.nuance];
    $("emotion").textContent = api.emotion;
    $("emotion").style.color = EMOTION_COLOURS[api.emotion] || FALLBACK;
    $("intensity").textContent = bandName(s.intensity);
    $("nuance").textContent = api.nuance;
  }

  function sendBytes(n) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(out.slice(0, n));
    return true;
  }

  function send(index) {
    if (!api.paired) return;
    const strength = Math.round(Number($("strength").value) * 255);
    const tags = [...document.querySelectorAll("#tags input:checked")].map((el) => Number(el.value)).slice(0, codec.MAX_TAGS);
    sendBytes(codec.encodeStimulus(out, index, strength, tags));
  }

  /** Buttons that write are on only when connected and paired; the slider and tags when connected. */
  function updateControls() {
    document.querySelectorAll("#stimuli button").forEach((el) => (el.disabled = !(api.connected && api.paired)));
    document.querySelectorAll("#tags input, #strength").forEach((el) => (el.disabled = !api.connected));
    $("pair-start").disabled = !api.connected;
    $("pair-send").disabled = !api.connected;
  }

  /** "unpaired", "asking" (the robot shows digits; the form is open), "paired" or "refused"; one line of text. */
  function setPairing(state, text) {
    api.paired = state === "paired";
    api.pairing = state;
    const box = $("pairing");
    box.classList.toggle("paired", state === "paired");
    box.classList.toggle("refused", state === "refused");
    $("pair-text").textContent = text;
    $("pair-start").hidden = state === "paired";
    $("pair-form").hidden = state !== "asking";
    if (state === "paired") $("stimuli").removeAttribute("aria-description");
    else $("stimuli").setAttribute("aria-description", PAIR_FIRST);
    updateControls();
  }

  function onDone(type) {
    if (type === codec.MSG_PAIR_START) {
      setPairing("asking", "type the six digits the robot shows on its panel, then press Send");
      $("passkey").value = "";
      $("passkey").focus();
    } else if (type === codec.MSG_PAIR) {
      everPaired = true;
      setPairing("paired", "paired: your stimuli reach the robot until this page disconnects");
    }
  }

  function onError(code, at) {
    api.errors.push(code);
    if (code === codec.ERR_PASSKEY) {
      // After PAIR_START: the robot refused a new passkey (too many tries on it at once).
      if (asked === "start") setPairing("refused", "the robot is refusing passkeys for a moment (too many tries): wait a second, then press Pair");
      else setPairing("refused", "wrong passkey, and those digits are spent: press Pair for new ones, then type them");
    } else if (code === codec.ERR_NOT_PAIRED) {
      setPairing("refused", "not paired, nothing was sent: " + PAIR_FIRST.replace(/^pair first: /, ""));
    } else $("status").textContent = "rejected: " + (codec.ERROR_TEXT[code] || "error " + code) + " (byte " + at + ")";
  }

  function describeTerm(t) {
    const how = t.feature === "above" ? "high " : t.feature === "below" ? "low " : "";
    return (t.weight < 0 ? "less " : "") + how + t.channel;
  }

  function showModel(model) {
    api.model = model;
    $("legend-profile").textContent = model.profile;
    const list = $("legend");
    list.replaceChildren();
    for (const e of model.emotions) {
      const li = document.createElement("li");
      li.dataset.emotion = e.name;
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = EMOTION_COLOURS[e.name] || FALLBACK;
      const name = document.createElement("strong");
      name.textContent = e.name;
      const drivers = document.createElement("span");
      drivers.className = "drivers";
      drivers.textContent = e.terms.length ? e.terms.map(describeTerm).join(" + ") : "wins when every other emotion is weak";
      li.append(swatch, name, " ", drivers);
      list.append(li);
    }
    const byName = new Map(model.tags.map((t) => [t.name, t]));
    document.querySelectorAll("#tags label").forEach((l) => {
      const t = byName.get(l.dataset.tag);
      if (!t) return;
      const text = `${t.name}: sent with ${t.stimuli.length ? t.stimuli.join(", ") : "no stimulus"}; picks ${t.words.length ? t.words.join(", ") : "no word by itself"}`;
      l.title = text;
      l.querySelector("input").setAttribute("aria-description", text);
    });
  }

  async function loadModel() {
    try {
      const r = await fetch("/model.json", { cache: "no-store" });
      if (r.ok) showModel(await r.json());
    } catch {
      // shown on the next connection
    }
  }

  function setConnected(on) {
    api.connected = on;
    document.body.classList.toggle("disconnected", !on);
    $("offline").hidden = on;
    if (!on) setPairing("unpaired", "disconnected: pairing ends with the connection; pair again once it is back");
    else updateControls();
    if (!on) {
      api.ready = false;
      $("fps").textContent = "stopped";
      $("bytes").textContent = "0";
      $("util").textContent = "0%";
      $("status").textContent = "disconnected; retrying...";
    }
  }

  function onHello(h) {
    hello = h;
    $("hz").textContent = (h.hz / 1000) + " kHz";
    const box = $("stimuli");
    box.replaceChildren();
    h.stimuli.forEach((s, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = s.name.replace(/_/g, " ");
      b.title = s.description;
      b.dataset.stimulus = s.name;
      b.addEventListener("click", () => send(i));
      box.append(b);
    });
    const tags = $("tags");
    tags.querySelectorAll("label").forEach((l) => l.remove());
    h.tags.forEach((t, i) => {
      const l = document.createElement("label");
      l.dataset.tag = t;
      const c = document.createElement("input");
      c.type = "checkbox";
      c.value = String(i);
      l.append(c, " " + t.replace(/_/g, " "));
      tags.append(l);
    });
    if (!levelsChart) makeCharts();
    $("status").textContent = `profile ${h.profile}` + (h.packError ? ` - ${h.packError}: built-in faces` : "") + (h.speed !== 1 ? ` - ${h.speed}x time` : "");
    setConnected(true);
    // A new connection is a new session: not paired, whatever the last one was.
    setPairing("unpaired", everPaired ? "reconnected, so pair again: press Pair, then type the six digits the robot shows" : PAIR_FIRST);
    api.ready = true;
    loadModel();
  }

  function connect() {
    ws = new WebSocket(location.href.replace(/^http/, "ws"));
    ws.binaryType = "arraybuffer";
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") {
        const m = JSON.parse(ev.data);
        if (m.type === "hello") onHello(m);
        else if (m.type === "stats" && hello) onStats(m);
        else if (m.type === "error") $("status").textContent = m.message;
        return;
      }
      const b = new Uint8Array(ev.data);
      if (b[0] === codec.MSG_GLASS) {
        lastGlass = b.slice(2);
        api.glass = lastGlass;
        api.brightness = b[1];
        drawGlass(lastGlass, b[1]);
      } else if (b[0] === codec.MSG_STATE && hello) onState(b);
      else if (b[0] === codec.MSG_ACK) api.acks++;
      else if (b[0] === codec.MSG_DONE) onDone(b[1]);
      else if (b[0] === codec.MSG_ERROR) onError(b[1], b[2]);
    };
    ws.onclose = () => {
      setConnected(false);
      setTimeout(connect, 1000);
    };
  }

  $("pair-start").addEventListener("click", () => {
    if (!sendBytes(codec.encodePairStart(out))) return;
    asked = "start";
    $("pair-text").textContent = "asking the robot for a passkey...";
  });
  $("pair-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("passkey").value.trim();
    if (!/^[0-9]{6}$/.test(text)) {
      $("pair-text").textContent = "type all six digits the robot shows (numbers only), then press Send";
      return;
    }
    if (sendBytes(codec.encodePair(out, Number(text)))) asked = "pair";
  });
  $("strength").addEventListener("input", () => ($("strength-value").textContent = Number($("strength").value).toFixed(2)));
  $("tint").addEventListener("change", () => {
    tint = $("tint").value;
    canvas.className = "glow-" + tint;
    if (lastGlass) drawGlass(lastGlass, api.brightness);
  });
  setPairing("unpaired", PAIR_FIRST);
  connect();
})();
