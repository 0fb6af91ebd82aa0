/** The mcpscope dashboard, built with Grafana's foundation SDK from the panel list. */
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PANELS, type PanelSpec } from './panels.js';

export const DASHBOARD_UID = 'mcpscope-mcp-server';

/** Grafana's own `${datasource}` variable, so the dashboard works with any Prometheus data source. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JavaScript template.
export const DATASOURCE_VARIABLE = '${datasource}';
const datasource: dashboard.DataSourceRef = { type: 'prometheus', uid: DATASOURCE_VARIABLE };
const metricForVariables = 'mcp_server_operation_duration_seconds_count';

function queryVariable(name: string, label: string, query: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(datasource)
    .query({ query, refId: `${name}-variable` })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+');
}

function panelFor(spec: PanelSpec): cog.Builder<dashboard.Panel> {
  const panel =
    spec.visualization === 'stat'
      ? new stat.PanelBuilder()
      : spec.visualization === 'barchart'
        ? new barchart.PanelBuilder()
        : new timeseries.PanelBuilder().fillOpacity(10);
  panel
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(datasource)
    .span(spec.width)
    .height(8);
  spec.queries.forEach((query, index) => {
    const builder = new prometheus.DataqueryBuilder()
      .expr(query.expr)
      .legendFormat(query.legend)
      .refId(String.fromCharCode(65 + index));
    if (spec.visualization === 'barchart') builder.instant().format(prometheus.PromQueryFormat.Table);
    panel.withTarget(builder);
  });
  return panel;
}

export function buildDashboard(): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder('MCP server (mcpscope)')
    .uid(DASHBOARD_UID)
    .description(
      'Requests, latency, errors, sessions and refusals of MCP servers observed with @mcpscope/metrics.',
    )
    .tags(['mcp', 'mcpscope'])
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(
      new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
    )
    .withVariable(queryVariable('job', 'Job', `label_values(${metricForVariables}, job)`))
    .withVariable(
      queryVariable('instance', 'Instance', `label_values(${metricForVariables}{job=~"$job"}, instance)`),
    )
    .withVariable(
      queryVariable(
        'tool',
        'Tool',
        `label_values(${metricForVariables}{job=~"$job", instance=~"$instance", mcp_method_name="tools/call"}, gen_ai_tool_name)`,
      ),
    );
  for (const spec of PANELS) builder.withPanel(panelFor(spec));
  return builder.build();
}
