/**
 * HistogramChart: latency histogram bars with the cumulative-percent line and percentile markers;
 * with several runs, their histograms (as % of each run's requests) and CDFs overlaid on shared bins.
 */
import { useMemo } from 'react';
import uPlot from 'uplot';
import type { HistogramView } from '../api.js';
import { latency, percentLabel } from '../format.js';
import { Chart } from './Chart.js';

export const palette = ['#1f6fb2', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#5c7cfa', '#e67700'];

/** position maps a latency to the fractional bin index, for markers on the index-based x axis. */
function position(view: HistogramView, us: number): number {
  const bins = view.bins;
  for (let i = 0; i < bins.length; i++) {
    const b = bins[i]!;
    if (us <= b.endUs)
      return i + Math.max(0, Math.min(1, (us - b.startUs) / Math.max(1, b.endUs - b.startUs)));
  }
  return bins.length;
}

function markerPlugin(view: HistogramView, percentiles: number[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        let lastLabelX = -Infinity;
        let row = 0;
        for (const p of percentiles) {
          const v = view.percentiles.find((q) => q.percentile === p);
          if (!v) continue;
          const x = u.valToPos(position(view, v.valueUs) - 0.5, 'x', true);
          ctx.strokeStyle = '#868e96';
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.lineWidth = devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.fillStyle = '#495057';
          // Labels of markers closer than ~34 px go on alternate rows so they stay readable.
          row = x - lastLabelX < 34 * devicePixelRatio ? 1 - row : 0;
          lastLabelX = x;
          ctx.fillText(percentLabel(p), x, u.bbox.top - (4 + row * 12) * devicePixelRatio);
        }
        ctx.restore();
      },
    },
  };
}

export function HistogramChart(props: { views: { label: string; view: HistogramView }[]; height?: number }) {
  const { views } = props;
  const { options, data } = useMemo(() => {
    const first = views[0]!.view;
    const n = first.bins.length;
    const x = Array.from({ length: n }, (_, i) => i);
    const overlay = views.length > 1;
    const bars = uPlot.paths.bars!({ size: [overlay ? 0.9 : 0.95, 40], align: 0 });
    const series: uPlot.Series[] = [
      { label: 'latency', value: (_u, i) => (i === null ? '' : binLabel(first, i)) },
    ];
    const columns: (number | null)[][] = [];
    views.forEach(({ label, view }, k) => {
      const color = palette[k % palette.length]!;
      const total = Math.max(1, view.count);
      columns.push(view.bins.map((b) => (overlay ? (100 * b.count) / total : b.count)));
      series.push({
        label: overlay ? `${label} (% of requests)` : 'requests',
        scale: 'count',
        stroke: color,
        fill: `${color}${overlay ? '55' : '99'}`,
        width: overlay ? 1 : 0,
        paths: bars,
        points: { show: false },
        value: (_u, v) => (v === null ? '' : overlay ? `${v.toFixed(2)} %` : String(v)),
      });
    });
    views.forEach(({ label, view }, k) => {
      const color = palette[k % palette.length]!;
      columns.push(view.bins.map((b) => b.cumulativePercent));
      series.push({
        label: overlay ? `${label} cumulative %` : 'cumulative %',
        scale: '%',
        stroke: overlay ? color : '#212529',
        width: 2,
        dash: overlay && k > 0 ? [6, 4] : undefined,
        points: { show: false },
        value: (_u, v) => (v === null ? '' : `${v.toFixed(2)} %`),
      });
    });
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      padding: [30, 8, 0, 8],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        x: { time: false, range: [-0.5, n - 0.5] },
        count: { range: (_u, _min, max) => [0, max * 1.05 || 1] },
        '%': { range: [0, 100] },
      },
      axes: [
        {
          label: 'latency',
          // About one label per 90 CSS pixels, so narrow windows do not overlap them.
          splits: (u) => {
            const room = Math.max(2, Math.floor(u.bbox.width / devicePixelRatio / 90));
            const step = Math.max(1, Math.ceil(n / room));
            return x.filter((i) => i % step === 0);
          },
          values: (_u, splits) => splits.map((i) => latency(first.bins[i]?.startUs)),
        },
        { scale: 'count', label: overlay ? '% of requests' : 'requests', size: 60 },
        {
          scale: '%',
          side: 1,
          label: 'cumulative %',
          grid: { show: false },
          values: (_u, s) => s.map((v) => `${v}%`),
        },
      ],
      series,
      plugins: overlay ? [] : [markerPlugin(first, [50, 90, 99, 99.9])],
    };
    return { options, data: [x, ...columns] as uPlot.AlignedData };
  }, [views]);
  return <Chart options={options} data={data} height={props.height ?? 340} label="latency histogram" />;
}

function binLabel(view: HistogramView, i: number): string {
  const b = view.bins[i];
  return b ? `${latency(b.startUs)} – ${latency(b.endUs)}` : '';
}
