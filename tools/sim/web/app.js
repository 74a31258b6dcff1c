// The simulator page: the panel drawn from what the virtual SSD1306's glass shows, stimulus controls
// speaking the robot's binary protocol (docs/protocol.md), and live charts (Chart.js).
"use strict";
(() => {
  const MSG_STIMULUS = 0x01, MSG_ACK = 0x81, MSG_STATE = 0x90, MSG_ERROR = 0xff, MSG_GLASS = 0xa0;
  const ERRORS = ["", "empty message", "unknown message type", "wrong length", "unknown stimulus", "too many tags", "unknown tag", "unsupported version"];
  const TINTS = { blue: [120, 200, 255], white: [255, 255, 255] };
  const COLORS = ["#ffb347", "#78c8ff", "#c3a6ff", "#ff6b6b", "#ff8fc7", "#8fe388", "#ffd166", "#9aa5b1"];
  const HISTORY_S = 60;
  const $ = (id) => document.getElementById(id);
  const api = (window.moodface = { ready: false, emotion: "", nuance: "", glass: null, acks: 0, errors: [] });
  let hello = null;
  let ws;
  let tint = "blue";
  let lastGlass = null;
  const canvas = $("panel");
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(128, 64);
  canvas.classList.add("glow-blue");

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
    hello.channels.forEach((c, i) => {
      levelSets.push({ label: c.name, data: [], borderColor: COLORS[i], pointRadius: 0, borderWidth: 2 });
      levelSets.push({ label: c.name + " rest", data: [], borderColor: COLORS[i], borderDash: [4, 4], pointRadius: 0, borderWidth: 1 });
    });
    levelsChart = new Chart($("levels-chart"), { type: "line", data: { datasets: levelSets }, options: common });
    const probSets = hello.emotions.map((e, i) => ({ label: e, data: [], borderColor: COLORS[i], pointRadius: 0, borderWidth: 2 }));
    probsChart = new Chart($("probs-chart"), { type: "line", data: { datasets: probSets }, options: { ...common, scales: { ...common.scales, y: { min: 0, max: 1, ticks: { color: "#8a94a3" } } } } });
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
  }

  function onState(b) {
    const dominant = b[2 + 6 + 8], intensity = b[2 + 6 + 8 + 1] / 255, nuance = b[2 + 6 + 8 + 2];
    api.emotion = hello.emotions[dominant];
    api.nuance = hello.words[nuance];
    $("emotion").textContent = api.emotion;
    $("intensity").textContent = intensity < 1 / 3 ? "(mild)" : intensity < 2 / 3 ? "(medium)" : "(strong)";
    $("nuance").textContent = api.nuance;
  }

  function send(index) {
    const strength = Math.round(Number($("strength").value) * 255);
    const tags = [...document.querySelectorAll("#tags input:checked")].map((el) => Number(el.value)).slice(0, 4);
    const m = new Uint8Array(5 + tags.length);
    m.set([MSG_STIMULUS, 1, index, strength, tags.length]);
    m.set(tags, 5);
    ws.send(m);
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
      const c = document.createElement("input");
      c.type = "checkbox";
      c.value = String(i);
      l.append(c, " " + t.replace(/_/g, " "));
      tags.append(l);
    });
    if (!levelsChart) makeCharts();
    $("status").textContent = `profile ${h.profile}` + (h.packError ? ` - ${h.packError}: built-in faces` : "") + (h.speed !== 1 ? ` - ${h.speed}x time` : "");
    api.ready = true;
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
      if (b[0] === MSG_GLASS) {
        lastGlass = b.slice(2);
        api.glass = lastGlass;
        api.brightness = b[1];
        drawGlass(lastGlass, b[1]);
      } else if (b[0] === MSG_STATE && hello) onState(b);
      else if (b[0] === MSG_ACK) api.acks++;
      else if (b[0] === MSG_ERROR) {
        api.errors.push(b[1]);
        $("status").textContent = "rejected: " + (ERRORS[b[1]] || "error " + b[1]) + " (byte " + b[2] + ")";
      }
    };
    ws.onclose = () => {
      api.ready = false;
      $("status").textContent = "disconnected; retrying...";
      setTimeout(connect, 1000);
    };
  }

  $("strength").addEventListener("input", () => ($("strength-value").textContent = Number($("strength").value).toFixed(2)));
  $("tint").addEventListener("change", () => {
    tint = $("tint").value;
    canvas.className = "glow-" + tint;
    if (lastGlass) drawGlass(lastGlass, api.brightness);
  });
  connect();
})();
