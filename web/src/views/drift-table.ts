// The drift table: every input and output with its JSD and PSI over the range (the newest bin with data and the
// range's highest bin), and what the baseline holds for it. Histograms need per-bin counts, which the API
// does not report, so the baseline's range or categories stand in, and the table says so.
import type { DatasetColumn, Series } from '../api/types.js';
import { formatValue, monitoredColumns } from '../monitor/catalog.js';
import type { MonitorContext } from '../monitor/context.js';
import { Dropped } from '../monitor/loader.js';
import { highest, latest } from '../monitor/series-stats.js';
import { BIN_LABELS, formatTime } from '../monitor/time.js';
import { h, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';

interface Row {
  column: string;
  role: 'input' | 'output';
  baseline: DatasetColumn | undefined;
  jsd: Series;
  psi: Series;
}

export function baselineSummary(column: DatasetColumn | undefined): string {
  if (!column) return 'not in the baseline info';
  if (column.categories) {
    const shown = column.categories.slice(0, 6).join(', ');
    const more = column.categories.length > 6 ? ` and ${column.categories.length - 6} more` : '';
    return `${column.data_type}: ${shown}${more}`;
  }
  if (column.min !== null && column.max !== null) {
    return `${column.data_type}: ${formatValue(column.min)} to ${formatValue(column.max)}`;
  }
  return column.data_type;
}

export class DriftTable {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private version = 0;

  constructor(private readonly context: () => MonitorContext) {
    this.body = h('div', { class: 'panel-body' });
    this.element = h(
      'section',
      { class: 'panel panel-wide', 'aria-labelledby': 'drift-table-title', 'data-panel': 'drift-table' },
      h('h2', { id: 'drift-table-title' }, 'Drift by column'),
      h(
        'p',
        { class: 'panel-description' },
        'Each input and output over the selected range: the value in the newest bin with data, and the highest bin. ',
        'Baseline versus current histograms need per-bin counts, which the metrics API does not report yet; ',
        "the baseline's range or categories are shown instead.",
      ),
      this.body,
    );
  }

  async refresh(): Promise<void> {
    const mine = ++this.version;
    const ctx = this.context();
    replace(this.body, status('loading', 'Loading drift per column…'));
    let rows: Row[];
    try {
      rows = await this.load(ctx);
    } catch (error) {
      if (error instanceof Dropped || mine !== this.version) return;
      replace(this.body, status('error', `Could not load drift per column: ${messageOf(error)}`));
      return;
    }
    if (mine !== this.version) return;
    rows.sort((a, b) => (highest(b.jsd.points)?.value ?? -1) - (highest(a.jsd.points)?.value ?? -1));
    const bin = BIN_LABELS[ctx.bin].toLowerCase();
    replace(
      this.body,
      h(
        'div',
        { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Drift by column' },
        h(
          'table',
          { class: 'data drift-table' },
          h('caption', {}, `JSD and PSI per ${bin} bin, worst column first`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                'Column',
                'JSD newest',
                'JSD highest',
                'PSI newest',
                'PSI highest',
                'Bin details',
                'Role',
                'Baseline',
              ].map((title) => h('th', { scope: 'col' }, title)),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map((row) => this.row(ctx, row)),
          ),
        ),
      ),
    );
  }

  private async load(ctx: MonitorContext): Promise<Row[]> {
    const query = (metric: string, column: string) =>
      ctx.loader.series({ metric, column, bin_size: ctx.bin, start: ctx.range.start, end: ctx.range.end });
    const columns = monitoredColumns(ctx.model);
    // JSD first: the drift chart has asked for the same series, so they come from the cache.
    const jsd = await Promise.all(columns.map((column) => query('jsd', column)));
    const psi = await Promise.all(columns.map((column) => query('psi', column)));
    return columns.map((column, i) => ({
      column,
      role: ctx.model.outputs.includes(column) ? 'output' : 'input',
      baseline: ctx.dataset?.columns.find((c) => c.name === column),
      jsd: jsd[i] as Series,
      psi: psi[i] as Series,
    }));
  }

  private row(ctx: MonitorContext, row: Row): HTMLElement {
    const top = highest(row.jsd.points);
    const cell = (series: Series) => {
      const newest = latest(series.points);
      const peak = highest(series.points);
      return [
        h('td', { class: 'num' }, newest ? formatValue(newest.value) : 'no data'),
        h(
          'td',
          { class: 'num' },
          peak ? formatValue(peak.value) : 'no data',
          peak ? h('span', { class: 'when' }, formatTime(peak.start, ctx.bin)) : null,
        ),
      ];
    };
    return h(
      'tr',
      {},
      h('th', { scope: 'row', class: 'sticky' }, row.column),
      cell(row.jsd),
      cell(row.psi),
      h(
        'td',
        {},
        top
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary small',
                'aria-label': `Details of ${row.column} in its highest JSD bin`,
                onclick: () => ctx.openDetails({ column: row.column, binStart: top.start, binSize: ctx.bin }),
              },
              'Highest bin',
            )
          : '—',
      ),
      h('td', {}, row.role),
      h('td', { class: 'baseline' }, baselineSummary(row.baseline)),
    );
  }
}
