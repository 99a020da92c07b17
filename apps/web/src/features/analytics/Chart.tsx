import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { plotValue, type ShownCount } from './counts';

export interface ChartLine {
  label: string;
  color: string;
  dash?: boolean;
  points: { t: string; value: ShownCount }[];
}

/**
 * A time chart of counts (uPlot, loaded with this module only when a chart is shown). "<N" is drawn
 * at N - 1, the most it can be; the legend and the table next to the chart show the text itself.
 */
export default function Chart({ lines, minCount, title, locale, from, to }: { lines: ChartLine[]; minCount: number; title: string; locale: string; from: string; to: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const times = [...new Set(lines.flatMap((l) => l.points.map((p) => Date.parse(p.t) / 1000)))].sort((a, b) => a - b);
    const raw = lines.map((l) => new Map(l.points.map((p) => [Date.parse(p.t) / 1000, p.value])));
    const data: uPlot.AlignedData = [times, ...raw.map((m) => times.map((t) => plotValue(m.get(t), minCount) ?? 0))];
    // The whole period asked for, so a few buckets do not stretch over the chart; a day or more shows dates.
    const x0 = Date.parse(from) / 1000;
    const x1 = Date.parse(to) / 1000;
    const fmtTime = new Intl.DateTimeFormat(
      locale,
      x1 - x0 > 86400 ? { day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' } : { hour: '2-digit', minute: '2-digit' },
    );
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 220,
        title,
        scales: { x: { time: true, range: () => [x0, x1] }, y: { range: (_u, _min, max) => [0, Math.max(minCount, max * 1.1)] } },
        axes: [{ values: (_u, ticks) => ticks.map((t) => fmtTime.format(t * 1000)) }, { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }],
        series: [
          { value: (_u, t) => (t == null ? '' : fmtTime.format(t * 1000)) },
          ...lines.map((l, i) => ({
            label: l.label,
            stroke: l.color,
            width: 2,
            dash: l.dash ? [6, 4] : undefined,
            points: { show: true, size: 5 },
            value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) => {
              const v = idx == null ? undefined : raw[i].get(times[idx]);
              return v === undefined ? '–' : String(v);
            },
          })),
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [lines, minCount, title, locale, from, to]);
  return <div ref={box} className="chart" aria-hidden="true" />;
}
