// chart.js set up once for the dashboard: only the pieces its charts use (the bundle stays small), the app's font
// and colours, and no animation for people who asked their system for less motion.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip,
} from 'chart.js';

Chart.register(DoughnutController, ArcElement, LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Filler, Legend, Tooltip);

const root = getComputedStyle(document.documentElement);
const token = (name: string, fallback: string) => root.getPropertyValue(name).trim() || fallback;

Chart.defaults.font.family = token('--font', 'system-ui, sans-serif');
Chart.defaults.color = token('--muted', '#5f6776');
Chart.defaults.borderColor = token('--border', '#e3e6eb');
Chart.defaults.maintainAspectRatio = false;
if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) Chart.defaults.animation = false;

/** The series colours, from the design tokens; each line also differs by dash or point shape (WCAG 1.4.1). */
export const SERIES = {
  uses: token('--accent', '#4f46e5'),
  views: token('--slate', '#4b5563'),
  downloads: token('--green', '#157347'),
  shares: token('--amber', '#a15c07'),
  searches: token('--blue', '#2358c9'),
  unused: '#d5d9e0',
};

export { Chart };
export type { ChartConfiguration, ChartType } from 'chart.js';
