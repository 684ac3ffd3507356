import { useEffect, useRef } from 'react';
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

/**
 * One Chart.js chart on a canvas (docs/console.md "Dashboards"). Chart.js is imported piecewise: only the chart
 * types and parts the dashboards draw are registered, so the page's script carries no more of it than it uses.
 */
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface ChartBoxProps {
  /** `chart-<name>`: what the tests and the stylesheet find it by. */
  name: string;
  title: string;
  config: ChartConfiguration;
  /** A line under the title: what the figure counts and where it comes from. */
  note?: string;
  /** Said over the chart when it has nothing to show (an empty chart reads like a broken one). */
  empty?: string;
}

export function ChartBox({ name, title, config, note, empty }: ChartBoxProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart>(undefined);
  useEffect(() => {
    if (!canvas.current) return;
    // Refreshed figures update the chart in place (no flicker, no new canvas); the first draw makes it.
    if (chart.current && (chart.current.config as { type?: string }).type === config.type) {
      chart.current.data = config.data;
      chart.current.options = config.options ?? {};
      chart.current.update('none');
    } else {
      chart.current?.destroy();
      chart.current = new Chart(canvas.current, config);
    }
  }, [config]);
  useEffect(() => () => chart.current?.destroy(), []);
  return (
    <figure className="dashboard-chart" data-testid={`chart-${name}`}>
      <figcaption>
        {title}
        {note && <small>{note}</small>}
      </figcaption>
      <div className="dashboard-canvas">
        <canvas ref={canvas} />
        {empty && <p className="dashboard-chart-empty">{empty}</p>}
      </div>
    </figure>
  );
}
