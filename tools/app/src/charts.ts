/*
 * The page's two charts: neuromodulator levels (% of capacity, with the resting level dashed when the
 * robot says it) and emotion probabilities, on the robot's clock (seconds) when the transport has
 * one (the simulator's figures), else on the page's. A new epoch (the simulator restarted, its clock
 * from 0 again) or a clock that went back clears them: no line is drawn back across the chart.
 */
import { Chart, registerables } from "chart.js";
import { CHANNEL_COLOURS, EMOTION_COLOURS, FALLBACK_COLOUR } from "./palette.js";

Chart.register(...registerables);

export const HISTORY_S = 60;

type Point = { x: number; y: number };
export interface Series {
  label: string;
  colour: string;
  points: Point[];
}

export class Charts {
  levels: Chart<"line"> | undefined;
  probabilities: Chart<"line"> | undefined;
  /** Points added since the page opened (all series at once count one). */
  points = 0;
  private lastT = -Infinity;
  private channels: readonly string[] = [];
  private withRest = false;

  constructor(
    private readonly levelsCanvas: HTMLCanvasElement,
    private readonly probsCanvas: HTMLCanvasElement,
  ) {}

  /** Sets the series (made on first use, rebuilt when the channels or emotions change) and clears them. */
  reset(channels: readonly string[], emotions: readonly string[], withRest: boolean): void {
    const same = this.levels && this.withRest === withRest && channels.join() === this.channels.join() && this.probabilities!.data.datasets.length === emotions.length;
    this.lastT = -Infinity;
    if (same) {
      for (const chart of [this.levels!, this.probabilities!]) {
        for (const d of chart.data.datasets) d.data.length = 0;
        chart.update("none");
      }
      return;
    }
    this.levels?.destroy();
    this.probabilities?.destroy();
    this.channels = channels;
    this.withRest = withRest;
    const tick = { color: "#8a94a3" };
    const options = (max: number) => ({
      animation: false as const,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false as const,
      interaction: { mode: "nearest" as const, intersect: false },
      scales: { x: { type: "linear" as const, title: { display: true, text: "seconds (robot time)" }, ticks: tick }, y: { min: 0, max, ticks: tick } },
      plugins: { legend: { labels: { color: "#e6e9ee", filter: (item: { text: string }) => !item.text.endsWith(" rest") } } },
    });
    const line = (label: string, colour: string, dashed = false) => ({ label, data: [] as Point[], borderColor: colour, backgroundColor: colour, pointRadius: 0, borderWidth: dashed ? 1 : 2, borderDash: dashed ? [4, 4] : [] });
    const levelSets = channels.flatMap((c) => {
      const colour = CHANNEL_COLOURS[c] ?? FALLBACK_COLOUR;
      return withRest ? [line(c, colour), line(`${c} rest`, colour, true)] : [line(c, colour)];
    });
    this.levels = new Chart(this.levelsCanvas, { type: "line", data: { datasets: levelSets }, options: options(100) });
    this.probabilities = new Chart(this.probsCanvas, { type: "line", data: { datasets: emotions.map((e) => line(e, EMOTION_COLOURS[e] ?? FALLBACK_COLOUR)) }, options: options(1) });
  }

  /** One point per series at time `t` (s): levels and rests in % of capacity, probabilities 0..1. */
  push(t: number, levels: readonly number[], rests: readonly number[] | undefined, probabilities: readonly number[]): void {
    if (!this.levels || !this.probabilities) return;
    if (t < this.lastT) this.reset(this.channels, this.probabilities.data.datasets.map((d) => d.label ?? ""), this.withRest);
    this.lastT = t;
    const ld = this.levels.data.datasets;
    levels.forEach((v, i) => {
      if (this.withRest) {
        ld[2 * i]?.data.push({ x: t, y: v });
        ld[2 * i + 1]?.data.push({ x: t, y: rests?.[i] ?? 0 });
      } else ld[i]?.data.push({ x: t, y: v });
    });
    probabilities.forEach((p, i) => this.probabilities!.data.datasets[i]?.data.push({ x: t, y: p }));
    for (const chart of [this.levels, this.probabilities]) {
      for (const d of chart.data.datasets) while (d.data.length && (d.data[0] as Point).x < t - HISTORY_S) d.data.shift();
      chart.update("none");
    }
    this.points++;
  }

  /** What each chart shows now: per series its label, colour and points (the page's API for tests and exports). */
  series(): { levels: Series[]; probabilities: Series[] } {
    const of = (c: Chart<"line"> | undefined): Series[] =>
      (c?.data.datasets ?? []).map((d) => ({ label: d.label ?? "", colour: String(d.borderColor ?? ""), points: (d.data as Point[]).map((p) => ({ x: p.x, y: p.y })) }));
    return { levels: of(this.levels), probabilities: of(this.probabilities) };
  }

  /** The levels as CSV: time (s), then one column per series. */
  csv(): string {
    if (!this.levels || !this.probabilities) return "";
    const sets = [...this.levels.data.datasets, ...this.probabilities.data.datasets];
    const head = ["t_s", ...sets.map((d) => (d.label ?? "").replace(/ /g, "_"))].join(",");
    const rows = (sets[0]?.data ?? []).map((p, k) => [(p as Point).x.toFixed(3), ...sets.map((d) => ((d.data[k] as Point | undefined)?.y ?? NaN).toFixed(4))].join(","));
    return [head, ...rows].join("\n") + "\n";
  }
}
