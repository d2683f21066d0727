// Helpers for acknowledging cdk-nag findings precisely: one finding, on one construct, with its reason.
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges one AwsSolutions finding on a construct and everything under it. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}

/**
 * How cdk-nag names a resource's ARN inside a wildcard finding (`<LogicalId.Arn>`), so a suppression
 * names the exact resource instead of every wildcard on the role.
 */
export function arnReference(resource: IConstruct): string {
  const element = resource.node.defaultChild as CfnElement | undefined;
  if (!element) throw new Error(`${resource.node.path} has no CloudFormation resource to reference`);
  return `<${Stack.of(resource).resolve(element.logicalId)}.Arn>`;
}
