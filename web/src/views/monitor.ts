// The Monitor view of one model: bin size, time range and segment controls, the health summary, then traffic,
// performance (with the confusion matrix and calibration of a chosen bin), a comparison of two segments, a
// ranking of a segment_by column's values in one bin, drift and integrity charts, the columns table and the
// incidents panel; or, with a column chosen, that column's view.
// The charts' series travel in one metrics query (whatever their segments), the health in one summary request.
import type { ApiClient } from '../api/client.js';
import type { BinSize, DatasetInfo, ModelInfo, Segment } from '../api/types.js';
import { AnswerCache } from '../monitor/answer-cache.js';
import type { MonitorContext } from '../monitor/context.js';
import { latestDataRange } from '../monitor/latest-range.js';
import { SeriesLoader } from '../monitor/loader.js';
import { SummarySource } from '../monitor/summary-source.js';
import {
  alignToBins,
  BIN_LABELS,
  BIN_SIZES,
  binCount,
  defaultBinSize,
  formatTime,
  fromInputValue,
  presetRange,
  type TimeRange,
  toInputValue,
} from '../monitor/time.js';
import { formatRoute, type RangePreset, type Route } from '../state/route.js';
import { h, replace, status, uid } from '../ui/dom.js';
import { AlertsPanel } from './alerts.js';
import { BreakdownPanel } from './breakdown-panel.js';
import { messageOf } from './chart-panel.js';
import { DriftPanel, IntegrityPanel } from './column-panels.js';
import { ColumnView } from './column-view.js';
import { ComparePanel } from './compare-panel.js';
import { openDetails } from './details.js';
import { DriftTable } from './drift-table.js';
import { HealthPanel } from './health.js';
import { segmentWords } from './incidents.js';
import { PerformancePanel, TrafficPanel } from './model-panels.js';
import { PerformanceDetailPanel } from './performance-detail.js';

const MAX_BINS = 2000;
const RANGE_OPTIONS: Array<[RangePreset, string]> = [
  ['latest', 'Up to the latest data'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['custom', 'Custom range'],
];

export class MonitorView {
  readonly element: HTMLElement;
  private readonly loader: SeriesLoader;
  private readonly summaries: SummarySource;
  private readonly answers = new AnswerCache();
  private readonly segmentSelect: HTMLSelectElement;
  private datasetRead: Promise<DatasetInfo | undefined> | undefined;
  private column: string | undefined;
  private at: number | undefined;
  private columnView: ColumnView | undefined;
  private overview: HTMLElement | undefined;
  /** Whether the panels have been asked to draw: until then, incidents arriving have nothing to redraw. */
  private rendered = false;
  private readonly summary = h('p', { class: 'range-summary', role: 'status' });
  private readonly customFields: HTMLElement;
  private readonly customStart: HTMLInputElement;
  private readonly customEnd: HTMLInputElement;
  private readonly rangeSelect: HTMLSelectElement;
  private readonly binInputs = new Map<BinSize, HTMLInputElement>();
  private readonly content = h('div', { class: 'monitor-content' });
  private ctx: MonitorContext;
  private preset: RangePreset;
  /** The range as chosen; ctx.range is this widened to whole bins. */
  private chosen: TimeRange;
  private panels: Array<{ refresh(): Promise<void> }> = [];
  private alertsPanel: AlertsPanel | undefined;
  private detail: PerformanceDetailPanel | undefined;
  /** Whether the bin size came from the user (URL or control) rather than from the range. */
  private binChosen: boolean;

  constructor(
    api: ApiClient,
    private readonly model: ModelInfo,
    route: Route,
    private readonly onRoute: (route: Route) => void,
  ) {
    this.loader = new SeriesLoader(api, model);
    this.summaries = new SummarySource(api, model);
    this.column = route.column;
    this.at = route.at;
    this.preset = route.range ?? 'latest';
    const range =
      route.range === 'custom' && route.start !== undefined && route.end !== undefined
        ? { start: route.start, end: route.end }
        : presetRange('7d', Date.now());
    this.chosen = range;
    this.binChosen = route.bin !== undefined;
    this.ctx = {
      api,
      loader: this.loader,
      summaries: this.summaries,
      model,
      dataset: () => {
        this.datasetRead ??= api
          .dataset(model.project_id, model.dataset_id)
          .catch((): DatasetInfo | undefined => undefined);
        return this.datasetRead;
      },
      answers: this.answers,
      bin: route.bin ?? defaultBinSize(range),
      range,
      segment: route.segment,
      rules: [],
      incidents: [],
      openDetails: (target) => openDetails(this.ctx, target),
      columnHref: (column, at) => formatRoute({ ...this.route(), column, at }),
    };
    const binName = uid('bin');
    const bins = h(
      'fieldset',
      { class: 'segmented' },
      h('legend', {}, 'Bin size'),
      BIN_SIZES.map((bin) => {
        const id = uid('bin');
        const input = h('input', {
          type: 'radio',
          name: binName,
          id,
          value: bin,
          checked: bin === this.ctx.bin,
        });
        input.addEventListener('change', () => input.checked && this.setBin(bin));
        this.binInputs.set(bin, input);
        return h('span', { class: 'segment' }, input, h('label', { for: id }, BIN_LABELS[bin]));
      }),
    );
    const rangeId = uid('range');
    this.rangeSelect = h(
      'select',
      { id: rangeId, onchange: () => this.setPreset(this.rangeSelect.value as RangePreset) },
      RANGE_OPTIONS.map(([value, label]) => h('option', { value, selected: value === this.preset }, label)),
    );
    const segmentId = uid('segment');
    this.segmentSelect = h(
      'select',
      { id: segmentId, onchange: () => this.setSegment(this.segmentSelect.value || undefined) },
      h('option', { value: '' }, 'All events'),
      route.segment
        ? h('option', { value: route.segment, selected: true }, segmentWords(route.segment))
        : null,
    );
    const startId = uid('from');
    const endId = uid('to');
    this.customStart = h('input', { id: startId, type: 'datetime-local', value: toInputValue(range.start) });
    this.customEnd = h('input', { id: endId, type: 'datetime-local', value: toInputValue(range.end) });
    this.customFields = h(
      'form',
      {
        class: 'custom-range',
        hidden: this.preset !== 'custom',
        onsubmit: (event: Event) => this.applyCustom(event),
      },
      h('div', { class: 'field' }, h('label', { for: startId }, 'From (UTC)'), this.customStart),
      h('div', { class: 'field' }, h('label', { for: endId }, 'To (UTC)'), this.customEnd),
      h('button', { type: 'submit', class: 'secondary' }, 'Apply'),
    );
    const task = model.task.replace(/_/g, ' ');
    this.element = h(
      'div',
      { class: 'monitor' },
      h(
        'header',
        { class: 'model-head' },
        h('h1', {}, model.model_id),
        h(
          'p',
          { class: 'muted' },
          `${task[0]?.toUpperCase()}${task.slice(1)} · project ${model.project_id} · baseline dataset ${model.dataset_id} · `,
          `${model.inputs.length} inputs, ${model.outputs.length} output${model.outputs.length === 1 ? '' : 's'}`,
        ),
      ),
      h(
        'div',
        { class: 'controls', role: 'group', 'aria-label': 'Time range and bins' },
        bins,
        h('div', { class: 'field' }, h('label', { for: rangeId }, 'Time range'), this.rangeSelect),
        this.customFields,
        h('div', { class: 'field' }, h('label', { for: segmentId }, 'Segment'), this.segmentSelect),
        h('button', { type: 'button', class: 'secondary refresh', onclick: () => this.reload() }, 'Refresh'),
      ),
      this.summary,
      this.content,
    );
  }

  async start(): Promise<void> {
    replace(this.content, status('loading', 'Finding the latest data…'));
    // Rules and incidents do not depend on the range: asked at once, beside the latest-data probe.
    this.build();
    const alerts = this.alertsPanel?.refresh();
    // The segment list is read beside the range probe, and before the panels draw: an address naming a segment
    // the model lacks falls back to all events instead of failing every panel.
    await Promise.all([this.resolvePreset(this.preset), this.loadSegments()]);
    this.show();
    await Promise.all([this.render(false), alerts]);
    this.detail?.watch();
  }

  /** The address of what is shown, as the hash holds it. */
  private route(): Route {
    return {
      project: this.model.project_id,
      model: this.model.model_id,
      bin: this.binChosen ? this.ctx.bin : undefined,
      range: this.preset,
      ...(this.preset === 'custom' ? { start: this.chosen.start, end: this.chosen.end } : {}),
      segment: this.ctx.segment,
    };
  }

  /** Follows the address when only the column (or its bin) changed: the column view, or back to the model. */
  async navigate(route: Route): Promise<void> {
    if (route.segment !== this.ctx.segment) {
      this.column = route.column;
      this.at = route.at;
      this.show();
      if (!(await this.setSegment(route.segment))) await this.render(false);
      return;
    }
    if (route.column === this.column && (route.at === this.at || route.column === undefined)) return;
    const columnChanged = route.column !== this.column;
    this.column = route.column;
    this.at = route.at;
    if (!columnChanged && this.columnView) return;
    this.show();
    window.scrollTo({ top: 0 });
    // Answers are cached: drawing again costs no request unless the range changed meanwhile.
    if (this.column) await this.columnView?.refresh();
    else await Promise.all(this.panels.map((panel) => panel.refresh()));
  }

  /** Puts the overview or the column view under the controls. */
  private show(): void {
    if (!this.overview) return;
    if (this.column) {
      this.columnView = new ColumnView(
        () => this.ctx,
        this.column,
        this.at,
        (at) => {
          this.at = at;
          this.syncControls();
        },
        formatRoute(this.route()),
      );
      replace(this.content, this.columnView.element);
    } else {
      this.columnView = undefined;
      replace(this.content, this.overview);
    }
  }

  destroy(): void {
    this.loader.dropQueued();
  }

  private async resolvePreset(preset: RangePreset): Promise<void> {
    if (preset === 'custom') return;
    if (preset !== 'latest') {
      this.chosen = presetRange(preset, Date.now());
      return;
    }
    try {
      const { range, found } = await latestDataRange(this.summaries, Date.now());
      this.chosen = range;
      if (!found) this.summary.dataset.note = 'No traffic in the last year; showing the last 7 days.';
      else delete this.summary.dataset.note;
    } catch (error) {
      this.chosen = presetRange('7d', Date.now());
      this.summary.dataset.note = `Could not find the latest data (${messageOf(error)}); showing the last 7 days.`;
    }
  }

  /** Reads the model's segments into the picker; a segment the address named that is not ready is dropped. */
  private async loadSegments(): Promise<void> {
    let list: Segment[] | undefined;
    let failure: string | undefined;
    try {
      list = await this.ctx.api.segments(this.model);
    } catch (error) {
      failure = messageOf(error);
    }
    const wanted = this.ctx.segment;
    const ready = list?.some((segment) => segment.segment_id === wanted && segment.state === 'ready');
    this.ctx = {
      ...this.ctx,
      segmentList: list,
      segment: wanted !== undefined && ready ? wanted : undefined,
    };
    if (wanted !== undefined && !ready) {
      const why = list?.some((segment) => segment.segment_id === wanted)
        ? 'is still being built'
        : failure
          ? `could not be checked (${failure})`
          : 'does not exist on this model';
      this.summary.dataset.segmentNote = `Segment ${segmentWords(wanted)} ${why}; showing all events.`;
    }
    this.fillSegmentPicker(list, failure);
  }

  private fillSegmentPicker(list: Segment[] | undefined, failure: string | undefined): void {
    const chosen = this.ctx.segment;
    const option = (segment: Segment, label: string) =>
      h(
        'option',
        {
          value: segment.segment_id,
          selected: segment.segment_id === chosen,
          disabled: segment.state !== 'ready',
        },
        segment.state === 'ready'
          ? label
          : `${label} (building: ${segment.progress?.hours_done ?? 0} of ${segment.progress?.hours_total ?? '?'} hours)`,
      );
    const defined = (list ?? []).filter((segment) => !segment.automatic);
    const columns = [
      ...new Set((list ?? []).filter((s) => s.automatic).map((s) => s.segment_id.split('=')[0])),
    ];
    replace(
      this.segmentSelect,
      h(
        'option',
        { value: '', selected: chosen === undefined },
        failure ? 'All events (segments unavailable)' : 'All events',
      ),
      defined.length > 0
        ? h(
            'optgroup',
            { label: 'Defined segments' },
            defined.map((segment) => option(segment, segment.name)),
          )
        : null,
      columns.map((column) =>
        h(
          'optgroup',
          { label: `By ${column}` },
          (list ?? [])
            .filter((segment) => segment.automatic && segment.segment_id.startsWith(`${column}=`))
            .map((segment) =>
              option(segment, segmentWords(segment.segment_id).replace('= __OTHER__', '= other values')),
            ),
        ),
      ),
    );
    this.segmentSelect.disabled = failure !== undefined || (list ?? []).length === 0;
    this.segmentSelect.title = failure
      ? `Segments could not be read: ${failure}`
      : (list ?? []).length === 0
        ? 'This model has no segments: define one with PUT .../segments/{id}, or name segment_by columns.'
        : '';
  }

  /** Restricts the view to a segment (undefined: all events); false when nothing changed. */
  private async setSegment(segment: string | undefined): Promise<boolean> {
    const ready = this.ctx.segmentList?.some((s) => s.segment_id === segment && s.state === 'ready');
    const next = segment !== undefined && ready ? segment : undefined;
    delete this.summary.dataset.segmentNote;
    if (next === this.ctx.segment) {
      this.syncControls();
      return false;
    }
    this.loader.dropQueued();
    this.ctx = { ...this.ctx, segment: next };
    this.segmentSelect.value = next ?? '';
    await this.render(false);
    return true;
  }

  private build(): void {
    const context = () => this.ctx;
    const traffic = new TrafficPanel(context);
    const performance = new PerformancePanel(context);
    const classifier =
      this.model.task === 'binary_classification' || this.model.task === 'multiclass_classification';
    const detail = classifier ? new PerformanceDetailPanel(context) : undefined;
    this.detail = detail;
    const compare = new ComparePanel(context);
    const breakdown = new BreakdownPanel(context);
    const drift = new DriftPanel(context);
    const integrity = new IntegrityPanel(context);
    const table = new DriftTable(context);
    const health = new HealthPanel(context);
    this.alertsPanel = new AlertsPanel(context, ({ rules, incidents }) => {
      this.ctx = { ...this.ctx, rules, incidents };
      if (!this.rendered) return;
      for (const panel of [health, traffic, performance, drift, integrity]) void panel.refresh();
      void this.columnView?.refresh();
    });
    this.panels = [
      health,
      traffic,
      performance,
      ...(detail ? [detail] : []),
      compare,
      breakdown,
      drift,
      integrity,
      table,
    ];
    this.overview = h(
      'div',
      { class: 'panels' },
      health.element,
      traffic.element,
      performance.element,
      detail?.element,
      compare.element,
      breakdown.element,
      drift.element,
      integrity.element,
      table.element,
      this.alertsPanel.element,
    );
  }

  private async render(withAlerts = true): Promise<void> {
    // Until the user picks a bin size, it follows the range: hours for a day or two, days for weeks.
    if (!this.binChosen) this.ctx = { ...this.ctx, bin: defaultBinSize(this.chosen) };
    this.ensureBinCount();
    this.ctx = { ...this.ctx, range: alignToBins(this.chosen, this.ctx.bin) };
    this.syncControls();
    this.rendered = true;
    // Every panel asks in this one turn, so their series leave together as one metrics query.
    const drawn = this.column ? [this.columnView?.refresh()] : this.panels.map((panel) => panel.refresh());
    await Promise.all([...drawn, withAlerts ? this.alertsPanel?.refresh() : undefined]);
  }

  /** Keeps a chart under MAX_BINS points by moving to a larger bin, and says so. */
  private ensureBinCount(): void {
    let bin = this.ctx.bin;
    while (binCount(bin, this.chosen.start, this.chosen.end) > MAX_BINS && bin !== 'month') {
      bin = BIN_SIZES[BIN_SIZES.indexOf(bin) + 1] as BinSize;
    }
    if (bin !== this.ctx.bin) {
      this.summary.dataset.note = `${BIN_LABELS[this.ctx.bin]} bins would be over ${MAX_BINS} points here; showing ${bin} bins.`;
      this.ctx = { ...this.ctx, bin };
    }
  }

  private syncControls(): void {
    const { range, bin } = this.ctx;
    for (const [size, input] of this.binInputs) input.checked = size === bin;
    this.rangeSelect.value = this.preset;
    this.customFields.hidden = this.preset !== 'custom';
    this.customStart.value = toInputValue(this.chosen.start);
    this.customEnd.value = toInputValue(this.chosen.end);
    this.segmentSelect.value = this.ctx.segment ?? '';
    const bins = binCount(bin, range.start, range.end);
    const note = this.summary.dataset.note ? ` ${this.summary.dataset.note}` : '';
    const segmentNote = this.summary.dataset.segmentNote ? ` ${this.summary.dataset.segmentNote}` : '';
    const segment = this.ctx.segment ? `, segment ${segmentWords(this.ctx.segment)} only` : '';
    this.summary.textContent = `Showing ${formatTime(range.start)} to ${formatTime(range.end)} in ${bins} ${bin} bin${bins === 1 ? '' : 's'}${segment}.${note}${segmentNote}`;
    this.onRoute({ ...this.route(), column: this.column, at: this.column ? this.at : undefined });
  }

  private async setBin(bin: BinSize): Promise<void> {
    if (bin === this.ctx.bin) return;
    delete this.summary.dataset.note;
    this.loader.dropQueued();
    this.binChosen = true;
    this.ctx = { ...this.ctx, bin };
    await this.render(false);
  }

  private async setPreset(preset: RangePreset): Promise<void> {
    this.preset = preset;
    if (preset === 'custom') {
      this.customFields.hidden = false;
      this.customStart.focus();
      return;
    }
    delete this.summary.dataset.note;
    this.loader.dropQueued();
    await this.resolvePreset(preset);
    await this.render(false);
  }

  private async applyCustom(event: Event): Promise<void> {
    event.preventDefault();
    const start = fromInputValue(this.customStart.value);
    const end = fromInputValue(this.customEnd.value);
    if (start === undefined || end === undefined || end <= start) {
      this.summary.textContent = 'The custom range needs a start before its end (both in UTC).';
      return;
    }
    delete this.summary.dataset.note;
    this.loader.dropQueued();
    this.chosen = { start, end };
    await this.render(false);
  }

  private async reload(): Promise<void> {
    this.loader.clear();
    this.summaries.clear();
    this.answers.clear();
    delete this.summary.dataset.note;
    delete this.summary.dataset.segmentNote;
    await Promise.all([this.resolvePreset(this.preset), this.loadSegments()]);
    await this.render();
  }
}
