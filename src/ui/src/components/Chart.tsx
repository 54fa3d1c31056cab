/** Chart: a uPlot canvas sized to its container, rebuilt when its options or data change. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function Chart(props: {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { options, data, height = 320 } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot({ ...options, width: width(), height } as uPlot.Options, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [options, data, height]);
  return <div className="chart" ref={box} role="img" aria-label={props.label} />;
}
