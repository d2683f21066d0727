// Runs the monitor Lambda on a fixed rate: evaluate alert rules over completed bins and notify.
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface MonitorScheduleProps {
  /** The function to invoke. */
  readonly handler: IFunction;
  /**
   * Time between runs.
   * @default Duration.minutes(5)
   */
  readonly rate?: Duration;
  /**
   * Retries of a failed invocation; the next run picks up whatever a failed one left.
   * @default 1
   */
  readonly retryAttempts?: number;
}

/** An EventBridge rule invoking the monitor at a fixed rate. */
export class MonitorSchedule extends Construct {
  /** The schedule rule. */
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: MonitorScheduleProps) {
    super(scope, id);
    const rate = props.rate ?? Duration.minutes(5);
    this.rule = new Rule(this, 'Rule', {
      description:
        'Runs the Modelwatch monitor: folds pending deltas, finishes rebuilds, evaluates alert rules',
      schedule: Schedule.rate(rate),
    });
    this.rule.addTarget(
      new LambdaFunction(props.handler, {
        retryAttempts: props.retryAttempts ?? 1,
        // A run older than one period is superseded by the next one.
        maxEventAge: rate,
      }),
    );
  }
}
