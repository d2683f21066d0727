// The people a rule's emails and SMS reach in AWS: one subscription of the alerts topic per address or number,
// filtered on the message's `recipients` attribute, made when a rule is saved; and their confirmation state.
import {
  type ListSubscriptionsByTopicCommandOutput,
  paginateListSubscriptionsByTopic,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';

export type SubscriptionStatus = 'pending_confirmation' | 'confirmed' | 'not_subscribed';

export interface RecipientStatus {
  address: string;
  channel: 'email' | 'sms';
  status: SubscriptionStatus;
}

export interface RecipientDirectory {
  /** Makes sure every address and number has its filtered subscription; existing ones are left as they are. */
  subscribe(emails: string[], phoneNumbers: string[]): Promise<void>;
  /** The state of each address and number given. */
  statuses(emails: string[], phoneNumbers: string[]): Promise<RecipientStatus[]>;
}

/** The filter a recipient's subscription has: messages whose `recipients` array holds this endpoint. */
export function recipientFilterPolicy(endpoint: string): { recipients: string[] } {
  return { recipients: [endpoint] };
}

type Subscription = NonNullable<ListSubscriptionsByTopicCommandOutput['Subscriptions']>[number];

export class SnsRecipients implements RecipientDirectory {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: () => string,
  ) {}

  async subscribe(emails: string[], phoneNumbers: string[]): Promise<void> {
    const existing = await this.subscriptions();
    const wanted = [
      ...emails.map((endpoint) => ({ endpoint, protocol: 'email' as const })),
      ...phoneNumbers.map((endpoint) => ({ endpoint, protocol: 'sms' as const })),
    ];
    for (const { endpoint, protocol } of wanted) {
      // Subscribing again would send a pending address another confirmation email on every save.
      if (existing.some((s) => s.Protocol === protocol && s.Endpoint === endpoint)) continue;
      await this.client.send(
        new SubscribeCommand({
          TopicArn: this.topicArn(),
          Protocol: protocol,
          Endpoint: endpoint,
          Attributes: {
            FilterPolicy: JSON.stringify(recipientFilterPolicy(endpoint)),
            FilterPolicyScope: 'MessageAttributes',
          },
        }),
      );
    }
  }

  async statuses(emails: string[], phoneNumbers: string[]): Promise<RecipientStatus[]> {
    if (emails.length === 0 && phoneNumbers.length === 0) return [];
    const existing = await this.subscriptions();
    const statusOf = (protocol: string, endpoint: string): SubscriptionStatus => {
      const found = existing.filter((s) => s.Protocol === protocol && s.Endpoint === endpoint);
      if (found.length === 0) return 'not_subscribed';
      // SNS lists a subscription waiting for its email link with this ARN instead of a real one.
      return found.some((s) => s.SubscriptionArn?.startsWith('arn:')) ? 'confirmed' : 'pending_confirmation';
    };
    return [
      ...emails.map((address) => ({
        address,
        channel: 'email' as const,
        status: statusOf('email', address),
      })),
      ...phoneNumbers.map((address) => ({
        address,
        channel: 'sms' as const,
        status: statusOf('sms', address),
      })),
    ];
  }

  private async subscriptions(): Promise<Subscription[]> {
    const all: Subscription[] = [];
    const pages = paginateListSubscriptionsByTopic({ client: this.client }, { TopicArn: this.topicArn() });
    for await (const page of pages) all.push(...(page.Subscriptions ?? []));
    return all;
  }
}
