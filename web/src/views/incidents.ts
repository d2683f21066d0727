// Incidents in words: what a rule saw, on which column, over which bins; and the incidents list, grouped by
// state (open, acknowledged or snoozed, resolved), with severity colours and acknowledge and snooze actions.
import type { Incident } from '../api/types.js';
import { ANY_COLUMN, formatValue, metricInfo } from '../monitor/catalog.js';
import { type MonitorContext, ruleOf } from '../monitor/context.js';
import { formatTime } from '../monitor/time.js';
import { h, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';

const SNOOZES: Array<[string, number]> = [
  ['1 hour', 3_600_000],
  ['4 hours', 4 * 3_600_000],
  ['1 day', 24 * 3_600_000],
  ['1 week', 7 * 24 * 3_600_000],
];

/** "Jensen-Shannon distance of Age above the critical threshold 0.2 in 2 day bins, 2026-11-15 to 2026-11-16." */
export function incidentSentence(ctx: MonitorContext, incident: Incident): string {
  const rule = ruleOf(ctx, incident);
  const where =
    incident.column === null
      ? ''
      : incident.column === ANY_COLUMN
        ? ' on any column'
        : ` of ${incident.column}`;
  const segment = incident.segment ? ` in segment ${segmentWords(incident.segment)}` : '';
  const bins = `${incident.record_count} ${incident.bin_size} bin${incident.record_count === 1 ? '' : 's'}`;
  const span =
    incident.first_bin === incident.last_bin
      ? formatTime(incident.first_bin, incident.bin_size)
      : `${formatTime(incident.first_bin, incident.bin_size)} to ${formatTime(incident.last_bin, incident.bin_size)}`;
  if (!rule) return `A rule since deleted fired${where}${segment} in ${bins} (${span}).`;
  const info = metricInfo(ctx.model, rule.metric);
  const threshold =
    incident.severity === 'critical'
      ? rule.critical_threshold
      : (rule.warning_threshold ?? rule.critical_threshold);
  const direction = rule.condition === 'greater' ? 'above' : 'below';
  const what = rule.compare_to === 'raw_value' ? info.label : `the change in ${info.label.toLowerCase()}`;
  return `${what}${where}${segment} ${direction} the ${incident.severity} threshold ${formatValue(threshold, info.count)} in ${bins} (${span}).`;
}

/** An automatic segment id `model_version=v2` as "model_version = v2"; a defined one as its id. */
export function segmentWords(segmentId: string): string {
  return segmentId.replace('=', ' = ');
}

export type IncidentGroup = 'open' | 'held' | 'resolved';

export function groupOf(incident: Incident, now = Date.now()): IncidentGroup {
  if (incident.state === 'resolved') return 'resolved';
  if (incident.state === 'acknowledged' || (incident.snoozed_until ?? 0) > now) return 'held';
  return 'open';
}

const GROUP_TITLES: Record<IncidentGroup, string> = {
  open: 'Open',
  held: 'Acknowledged or snoozed',
  resolved: 'Resolved',
};

/** Renders the incidents into `into`; `onChanged` gets an incident as the API answered an action on it. */
export function renderIncidents(
  ctx: MonitorContext,
  into: HTMLElement,
  incidents: Incident[],
  onChanged: (incident: Incident, message: string) => void,
): void {
  if (incidents.length === 0) {
    replace(into, status('empty', 'No incidents: no alert rule has fired on this model.'));
    return;
  }
  const groups: IncidentGroup[] = ['open', 'held', 'resolved'];
  replace(
    into,
    groups.map((group) => {
      const members = incidents.filter((incident) => groupOf(incident) === group);
      if (members.length === 0) return null;
      return h(
        'div',
        { class: 'incident-group', 'data-group': group },
        h('h4', {}, `${GROUP_TITLES[group]} (${members.length})`),
        h(
          'ul',
          { class: 'incident-list', 'aria-label': `${GROUP_TITLES[group]} incidents` },
          members.map((incident) => incidentItem(ctx, incident, onChanged)),
        ),
      );
    }),
  );
}

function incidentItem(
  ctx: MonitorContext,
  incident: Incident,
  onChanged: (incident: Incident, message: string) => void,
): HTMLElement {
  const rule = ruleOf(ctx, incident);
  const name = rule?.name ?? 'Deleted rule';
  const stateText =
    incident.state === 'resolved'
      ? `Resolved${incident.resolved_at ? ` ${formatTime(incident.resolved_at)}` : ''}`
      : incident.state === 'acknowledged'
        ? 'Acknowledged'
        : (incident.snoozed_until ?? 0) > Date.now()
          ? `Snoozed until ${formatTime(incident.snoozed_until as number)}`
          : 'Open';
  const message = h('p', { class: 'incident-message', role: 'status' });
  const act = async (action: () => Promise<Incident>, done: string) => {
    try {
      onChanged(await action(), done);
    } catch (error) {
      replace(message, `Not changed: ${messageOf(error)}`);
    }
  };
  const snoozeSelect = h(
    'select',
    { 'aria-label': `Snooze ${name} for` },
    SNOOZES.map(([label, ms]) => h('option', { value: ms }, label)),
  );
  const column = incident.column && incident.column !== ANY_COLUMN ? incident.column : undefined;
  const evidence = column
    ? h('a', { href: ctx.columnHref(column, incident.last_bin), class: 'evidence' }, `See ${column}`)
    : h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          onclick: () =>
            ctx.openDetails({
              column: incident.column ?? undefined,
              binStart: incident.last_bin,
              binSize: incident.bin_size,
              incident,
            }),
        },
        'Open bin',
      );
  return h(
    'li',
    {
      class: `incident-item severity-${incident.severity} state-${incident.state}`,
      'data-incident': incident.incident_id,
      'data-state': incident.state,
    },
    h(
      'div',
      { class: 'alert-badges' },
      h(
        'span',
        { class: `badge badge-${incident.severity}` },
        incident.severity === 'critical' ? 'Critical' : 'Warning',
      ),
      h('span', { class: `badge badge-state-${incident.state}` }, stateText),
    ),
    h('p', { class: 'alert-title' }, name),
    h('p', { class: 'alert-message' }, incidentSentence(ctx, incident)),
    h(
      'div',
      { class: 'incident-actions' },
      evidence,
      incident.state === 'open'
        ? h(
            'button',
            {
              type: 'button',
              class: 'primary small',
              'aria-label': `Acknowledge ${name}`,
              onclick: () =>
                act(() => ctx.api.acknowledge(ctx.model, incident.incident_id), `"${name}" acknowledged.`),
            },
            'Acknowledge',
          )
        : null,
      incident.state !== 'resolved'
        ? h(
            'span',
            { class: 'snooze' },
            snoozeSelect,
            h(
              'button',
              {
                type: 'button',
                class: 'secondary small',
                'aria-label': `Snooze ${name}`,
                onclick: () => {
                  const until = Date.now() + Number(snoozeSelect.value);
                  void act(
                    () => ctx.api.snooze(ctx.model, incident.incident_id, until),
                    `"${name}" snoozed until ${formatTime(until)}.`,
                  );
                },
              },
              'Snooze',
            ),
          )
        : null,
    ),
    message,
  );
}
