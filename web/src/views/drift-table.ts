// The columns table: every input and output with its drift (JSD against its noise floor, PSI) in the newest bin
// with data and at the range's highest, and its share of bad values; each opens its column view.
import type { DatasetColumn, Series } from '../api/types.js';
import { formatPercent, formatValue, monitoredColumns } from '../monitor/catalog.js';
import type { MonitorContext } from '../monitor/context.js';
import { Dropped } from '../monitor/loader.js';
import { beyondNoise, highest, latest } from '../monitor/series-stats.js';
import { BIN_LABELS, formatTime } from '../monitor/time.js';
import { h, replace, status } from '../ui/dom.js';
import { messageOf, query } from './chart-panel.js';

interface Row {
  column: string;
  role: 'input' | 'output';
  jsd: Series;
  psi: Series;
  bad: Series;
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
      h('h2', { id: 'drift-table-title' }, 'Columns'),
      h(
        'p',
        { class: 'panel-description' },
        'Each input and output over the selected range, worst drift first. The noise floor is the JSD a sample ',
        'of the same size drawn from the baseline itself would show: values near it are sampling noise. ',
        'Open a column for its distribution against the baseline, its quantiles and its bad values.',
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
        { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Columns' },
        h(
          'table',
          { class: 'data drift-table' },
          h('caption', {}, `Drift and bad values per ${bin} bin, worst column first`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                'Column',
                'JSD newest (noise)',
                'JSD highest (noise)',
                'PSI newest',
                'PSI highest',
                'Bad values, highest',
                'Role',
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
    const columns = monitoredColumns(ctx.model);
    // Asked together, so they travel in the view's one metrics query (JSD also feeds the drift chart).
    const [jsd, psi, bad] = await Promise.all(
      ['jsd', 'psi', 'any_violation_percentage'].map((metric) =>
        Promise.all(columns.map((column) => query(ctx, metric, column))),
      ),
    );
    return columns.map((column, i) => ({
      column,
      role: ctx.model.outputs.includes(column) ? 'output' : 'input',
      jsd: jsd?.[i] as Series,
      psi: psi?.[i] as Series,
      bad: bad?.[i] as Series,
    }));
  }

  private row(ctx: MonitorContext, row: Row): HTMLElement {
    const jsdCell = (point: { value: number | null; start: number; noise?: number | null } | undefined) => {
      if (!point || point.value === null) return h('td', { class: 'num' }, 'no data');
      const drifting = beyondNoise(point);
      return h(
        'td',
        { class: `num${drifting ? ' beyond-noise' : ''}` },
        formatValue(point.value),
        typeof point.noise === 'number'
          ? h('span', { class: 'noise' }, ` (${formatValue(point.noise)})`)
          : null,
        drifting ? h('span', { class: 'flag' }, 'beyond noise') : null,
        h('span', { class: 'when' }, formatTime(point.start, ctx.bin)),
      );
    };
    const peakJsd = highestPoint(row.jsd);
    const newest = latest(row.psi.points);
    const peakPsi = highest(row.psi.points);
    const bad = highest(row.bad.points);
    return h(
      'tr',
      { 'data-column': row.column },
      h(
        'th',
        { scope: 'row', class: 'sticky' },
        h('a', { href: ctx.columnHref(row.column, peakJsd?.start) }, row.column),
      ),
      jsdCell(latest(row.jsd.points)),
      jsdCell(peakJsd),
      h('td', { class: 'num' }, newest ? formatValue(newest.value) : 'no data'),
      h(
        'td',
        { class: 'num' },
        peakPsi ? formatValue(peakPsi.value) : 'no data',
        peakPsi ? h('span', { class: 'when' }, formatTime(peakPsi.start, ctx.bin)) : null,
      ),
      h(
        'td',
        { class: 'num' },
        bad && bad.value > 0
          ? [
              h('a', { href: ctx.columnHref(row.column, bad.start) }, formatPercent(bad.value)),
              h('span', { class: 'when' }, formatTime(bad.start, ctx.bin)),
            ]
          : '0%',
      ),
      h('td', {}, row.role),
    );
  }
}

function highestPoint(series: Series) {
  const top = highest(series.points);
  return top ? series.points.find((p) => p.start === top.start) : undefined;
}
