/*
 * A Chart.js plugin that draws a dashed, labelled vertical line at each event's time on every
 * chart (the page's event log, events.ts).
 */
export interface EventMark {
  t: number;
  label: string;
}

interface ChartLike {
  scales: { x?: { min: number; max: number; getPixelForValue(v: number): number } };
  chartArea?: { top: number; bottom: number };
  ctx: CanvasRenderingContext2D;
}

export function eventMarksPlugin(marks: readonly EventMark[]) {
  return {
    id: "moodfaceEvents",
    afterDatasetsDraw(chart: ChartLike) {
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (!x || !area) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "rgba(230, 233, 238, 0.55)";
      ctx.fillStyle = "rgba(230, 233, 238, 0.8)";
      ctx.font = "10px sans-serif";
      ctx.setLineDash([3, 3]);
      for (const m of marks) {
        if (m.t < x.min || m.t > x.max) continue;
        const px = x.getPixelForValue(m.t);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(m.label, px + 3, area.top + 10);
      }
      ctx.restore();
    },
  };
}
