/** TrendChart: min/p50/p90/p99/p99.9/max latency and achieved QPS across several runs. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { Comparison } from '../api.js';
import { latency } from '../format.js';
import { Chart } from './Chart.js';
import { palette } from './HistogramChart.js';

const lines: { label: string; pick: (h: NonNullable<Comparison['runs'][0]['histogram']>) => number }[] = [
  { label: 'min', pick: (h) => h.minUs },
  { label: 'p50', pick: (h) => pct(h, 50) },
  { label: 'p90', pick: (h) => pct(h, 90) },
  { label: 'p99', pick: (h) => pct(h, 99) },
  { label: 'p99.9', pick: (h) => pct(h, 99.9) },
  { label: 'max', pick: (h) => h.maxUs },
];

function pct(h: NonNullable<Comparison['runs'][0]['histogram']>, p: number): number {
  return h.percentiles.find((q) => q.percentile === p)?.valueUs ?? 0;
}

export function TrendChart(props: { comparison: Comparison }) {
  const { runs } = props.comparison;
  const { options, data } = useMemo(() => {
    const x = runs.map((_, i) => i + 1);
    const columns = lines.map((l) =>
      runs.map((r) => (r.histogram ? Math.max(1, l.pick(r.histogram)) : null)),
    );
    const qps = runs.map((r) => r.report.actualQps);
    const series: uPlot.Series[] = [
      { label: 'run', value: (_u, v) => (v === null ? '' : `#${v} ${runs[v - 1]?.run.name ?? ''}`) },
      ...lines.map((l, i) => ({
        label: l.label,
        scale: 'us',
        stroke: palette[i % palette.length]!,
        width: 2,
        points: { show: true, size: 6 },
        value: (_u: uPlot, v: number | null) => (v === null ? '' : latency(v)),
      })),
      {
        label: 'QPS',
        scale: 'qps',
        stroke: '#495057',
        width: 2,
        dash: [6, 4],
        points: { show: true, size: 6 },
        value: (_u, v) => (v === null ? '' : v.toFixed(1)),
      },
    ];
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      padding: [12, 8, 0, 8],
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: [0.5, runs.length + 0.5] },
        us: { distr: 3 },
        qps: { range: (_u, _min, max) => [0, max * 1.1 || 1] },
      },
      axes: [
        { label: 'run', splits: () => x, values: (_u, s) => s.map((v) => `#${v}`) },
        { scale: 'us', label: 'latency', size: 70, values: (_u, s) => s.map((v) => latency(v)) },
        { scale: 'qps', side: 1, label: 'QPS', grid: { show: false } },
      ],
      series,
    };
    return { options, data: [x, ...columns, qps] as uPlot.AlignedData };
  }, [runs]);
  return <Chart options={options} data={data} height={360} label="percentile trend across runs" />;
}
