// The simulator page's event log and sensors (kept apart from app.js): every stimulus as a marker
// on both charts and a line in a short log saying what it did (the sentence comes from the
// simulator, computed by modules/emotion/describe.ts, the function the web app uses too), and
// buttons that touch the virtual touch pad and move the virtual MPU-6050 (POST /sense).
// Loaded before app.js: it registers a Chart.js plugin; app.js hands it each stats message's events.
(function () {
  "use strict";
  const LOG_MAX = 8;
  const MARK_MAX = 64;
  const marks = [];
  const api = (window.moodfaceEvents = { log: [], marks, sensed: 0 });

  // Dashed vertical lines at each event's time, labelled with the stimulus, on every chart.
  if (window.Chart) {
    window.Chart.register(window.MoodfaceCodec.eventMarksPlugin(marks)); // tools/app/src/event-marks.ts
  }

  function section() {
    const s = document.createElement("section");
    s.className = "events";
    s.setAttribute("aria-labelledby", "events-title");
    const h = document.createElement("h2");
    h.id = "events-title";
    h.textContent = "What happened";
    const list = document.createElement("ol");
    list.id = "event-log";
    list.setAttribute("aria-live", "polite");
    list.setAttribute("aria-label", "The last stimuli and what each did");
    const sensors = document.createElement("div");
    sensors.id = "sensors";
    sensors.setAttribute("role", "group");
    sensors.setAttribute("aria-label", "Touch and move the robot");
    const help = document.createElement("p");
    help.className = "help";
    help.textContent = "Touch and motion: the robot's own touch pad and IMU (virtual here, the same drivers as on the board).";
    for (const [what, label] of [["touch", "touch"], ["pickup", "pick up"], ["shake", "shake"], ["tilt", "tilt"], ["drop", "drop"]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.sense = what;
      b.textContent = label;
      b.addEventListener("click", () => {
        fetch("/sense?what=" + what, { method: "POST" }).then((r) => {
          if (r.ok) api.sensed++;
        }, () => {});
      });
      sensors.append(b);
    }
    s.append(h, help, sensors, list);
    return s;
  }

  function show(events) {
    if (!events || !events.length) return;
    const list = document.getElementById("event-log");
    for (const e of events) {
      marks.push({ t: e.t / 1000, label: e.stimulus });
      if (marks.length > MARK_MAX) marks.shift();
      api.log.push(e.text);
      if (api.log.length > LOG_MAX) api.log.shift();
      if (list) {
        const li = document.createElement("li");
        li.textContent = e.text;
        list.prepend(li);
        while (list.children.length > LOG_MAX) list.lastElementChild.remove();
      }
    }
  }
  api.show = show;

  document.addEventListener("DOMContentLoaded", () => {
    const charts = document.querySelector("section.charts");
    if (charts) charts.after(section());
    else document.querySelector("main")?.append(section());
  });
})();
