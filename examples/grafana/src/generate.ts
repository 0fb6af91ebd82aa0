/** Writes grafana/dashboards/mcpscope.json from the code (run `pnpm generate` after editing panels). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from './dashboard.js';

export const DASHBOARD_FILE = fileURLToPath(new URL('../grafana/dashboards/mcpscope.json', import.meta.url));

export function renderDashboard(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DASHBOARD_FILE, renderDashboard());
  process.stderr.write(`wrote ${DASHBOARD_FILE}\n`);
}
