/*
 * Two (or more) profiles over the same events: each day's dominant-emotion time shares and a chart
 * (SVG, rendered to PNG with sharp) of every emotion's probability as stacked bands, with the
 * events marked and the robot's own appraisal ("the lie hurt: integrity") on the markers that
 * touched a passion. `moodface engine compare` writes it; docs/emotion-model.md shows one.
 */
import sharp from "sharp";
import { EMOTIONS } from "../../modules/emotion/names.js";
import type { EmotionEngine } from "../../modules/emotion/engine.js";
import type { StimulusEvent } from "./events.js";
import { simulate } from "./simulate.js";

export interface Day {
  profile: string;
  /** Per sample: t (ms) and each emotion's probability. */
  samples: { t: number; p: number[]; dominant: number }[];
  events: { t: number; stimulus: string; why?: string }[];
  /** Per emotion, the fraction of samples it was the dominant one. */
  share: number[];
}

export function runDay(engine: EmotionEngine, events: readonly StimulusEvent[], durationMs: number, dtMs: number): Day {
  const day: Day = { profile: engine.profile.name, samples: [], events: [], share: new Array(EMOTIONS.length).fill(0) };
  for (const rec of simulate(engine, events, { durationMs, dtMs })) {
    if (rec.type === "stimulus") day.events.push({ t: rec.t as number, stimulus: rec.stimulus as string, why: rec.why as string | undefined });
    else if (rec.type === "sample") {
      const probs = rec.probabilities as Record<string, number>;
      const dominant = EMOTIONS.indexOf(rec.dominant as (typeof EMOTIONS)[number]);
      day.samples.push({ t: rec.t as number, p: EMOTIONS.map((e) => probs[e]), dominant });
      day.share[dominant]++;
    }
  }
  day.share = day.share.map((c) => c / Math.max(1, day.samples.length));
  return day;
}

/** One colour per emotion (EMOTIONS order), readable on white. */
export const EMOTION_COLOURS = ["#7b3fa0", "#d62728", "#f2b700", "#e377c2", "#1f77b4", "#17becf", "#2ca02c", "#c7c7c7"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function dayChartSvg(days: readonly Day[], title: string, width = 1200): string {
  const left = 90;
  const right = 20;
  const bandH = 170;
  const gap = 90;
  const top = 70;
  const legendH = 40;
  const height = top + days.length * (bandH + gap) + legendH;
  const plotW = width - left - right;
  const end = Math.max(1, ...days.map((d) => d.samples[d.samples.length - 1]?.t ?? 1));
  const x = (t: number) => left + (t / end) * plotW;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="28" font-size="18" font-weight="bold">${esc(title)}</text>`);
  out.push(`<text x="${left}" y="48" font-size="12" fill="#333">stacked: each emotion's probability, time 0 .. ${(end / 1000).toFixed(0)} s; solid marker: the event touched a passion the profile holds, with the robot's own words</text>`);
  days.forEach((d, k) => {
    const y0 = top + k * (bandH + gap) + 24;
    const ranked = EMOTIONS.map((e, i) => [e, d.share[i]] as const).filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
    const shares = ranked.map(([e, s]) => `${e} ${(s * 100).toFixed(0)}%`).join(", ");
    out.push(`<text x="${left}" y="${y0 - 8}" font-size="14"><tspan font-weight="bold">${esc(d.profile)}</tspan>: dominant ${esc(shares)}</text>`);
    // Stacked probabilities: band i spans the cumulative sum of emotions 0..i-1 to 0..i.
    const cum = d.samples.map(() => 0);
    for (let e = 0; e < EMOTIONS.length; e++) {
      const upper: string[] = [];
      const lower: string[] = [];
      d.samples.forEach((s, j) => {
        lower.push(`${x(s.t).toFixed(1)},${(y0 + bandH - cum[j] * bandH).toFixed(1)}`);
        cum[j] += s.p[e];
        upper.push(`${x(s.t).toFixed(1)},${(y0 + bandH - cum[j] * bandH).toFixed(1)}`);
      });
      out.push(`<polygon fill="${EMOTION_COLOURS[e]}" points="${upper.join(" ")} ${lower.reverse().join(" ")}"/>`);
    }
    // The dominant emotion (with hysteresis) as a strip under the bands.
    let run = 0;
    for (let j = 1; j <= d.samples.length; j++) {
      if (j === d.samples.length || d.samples[j].dominant !== d.samples[run].dominant) {
        const x0 = x(d.samples[run].t);
        const x1 = x(d.samples[Math.min(j, d.samples.length - 1)].t);
        out.push(`<rect x="${x0.toFixed(1)}" y="${y0 + bandH + 4}" width="${Math.max(0.5, x1 - x0).toFixed(1)}" height="10" fill="${EMOTION_COLOURS[d.samples[run].dominant]}"/>`);
        run = j;
      }
    }
    out.push(`<text x="${left - 8}" y="${y0 + bandH + 13}" font-size="10" text-anchor="end">dominant</text>`);
    out.push(`<text x="${left - 8}" y="${y0 + 10}" font-size="11" text-anchor="end">p = 1</text>`);
    out.push(`<text x="${left - 8}" y="${y0 + bandH}" font-size="11" text-anchor="end">0</text>`);
    d.events.forEach((ev, i) => {
      const ex = x(ev.t);
      out.push(`<line x1="${ex.toFixed(1)}" y1="${y0}" x2="${ex.toFixed(1)}" y2="${y0 + bandH}" stroke="#000" stroke-width="${ev.why ? 1.6 : 0.7}" stroke-dasharray="${ev.why ? "none" : "3,3"}"/>`);
      const label = ev.why ? ev.why.replace(/^the /, "") : ev.stimulus.replace(/_/g, " ");
      const ly = y0 + bandH + 28 + (i % 4) * 12;
      out.push(`<text x="${ex.toFixed(1)}" y="${ly}" font-size="9.5" text-anchor="middle" fill="${ev.why ? "#000" : "#555"}">${esc(label)}</text>`);
    });
  });
  const ly = height - legendH + 18;
  let lx = left;
  EMOTIONS.forEach((e, i) => {
    out.push(`<rect x="${lx}" y="${ly - 11}" width="14" height="14" fill="${EMOTION_COLOURS[i]}"/><text x="${lx + 19}" y="${ly}" font-size="13">${e}</text>`);
    lx += 26 + e.length * 8 + 20;
  });
  out.push(`</svg>`);
  return out.join("\n");
}

export async function dayChartPng(days: readonly Day[], title: string): Promise<Buffer> {
  return sharp(Buffer.from(dayChartSvg(days, title))).png({ compressionLevel: 9, palette: true }).toBuffer();
}
