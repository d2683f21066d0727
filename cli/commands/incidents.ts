// `modelwatch incidents`: list a model's incidents, acknowledge one, snooze one (contract section 11).
import type { Command } from 'commander';
import { clientOf, type ModelOptions, type Output, TIME_HELP, withModel, withOutput } from '../context.js';
import { isoTime, printRecords } from '../output.js';

export function incidentCommands(program: Command): void {
  const incidents = program.command('incidents').description('list, acknowledge or snooze incidents');
  withOutput(withModel(incidents.command('list').description('list the incidents of a model, newest first')))
    .option('--open', 'only incidents not resolved')
    .action(async (options: ModelOptions & { output: Output; open?: boolean }, command: Command) => {
      const client = await clientOf(command);
      const items = [];
      for await (const incident of client.listIncidents(options.project, options.model)) {
        if (!options.open || incident.state !== 'resolved') items.push(incident);
      }
      const rows = items.map((i) => [
        i.incident_id,
        i.state,
        i.severity,
        i.rule_id,
        i.column,
        isoTime(i.first_bin),
        isoTime(i.last_bin),
        i.record_count,
        isoTime(i.snoozed_until),
      ]);
      const columns = [
        'incident_id',
        'state',
        'severity',
        'rule_id',
        'column',
        'first_bin',
        'last_bin',
        'bins',
        'snoozed_until',
      ];
      printRecords(options.output, columns, rows, items);
    });
  withModel(incidents.command('ack'))
    .description('acknowledge an incident: only its resolve is notified from now on')
    .argument('<incident_id>', 'the incident')
    .action(async (incidentId: string, options: ModelOptions, command: Command) => {
      const client = await clientOf(command);
      const incident = await client.acknowledgeIncident(options.project, options.model, incidentId);
      process.stdout.write(`incident ${incident.incident_id} is ${incident.state}\n`);
    });
  withModel(incidents.command('snooze'))
    .description('send nothing for an incident until a time')
    .argument('<incident_id>', 'the incident')
    .requiredOption('--until <time>', `when notifications resume (${TIME_HELP})`)
    .action(async (incidentId: string, options: ModelOptions & { until: string }, command: Command) => {
      const client = await clientOf(command);
      const until = /^\d+$/.test(options.until) ? Number(options.until) : options.until;
      const incident = await client.snoozeIncident(options.project, options.model, incidentId, until);
      process.stdout.write(
        `incident ${incident.incident_id} snoozed until ${isoTime(incident.snoozed_until)}\n`,
      );
    });
}
