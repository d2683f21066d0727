// Change records shaped like DynamoDB Stream records (NEW_AND_OLD_IMAGES): the events table's stream in AWS
// carries exactly these, and the local feed writes the same shape, so one fold consumes both.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export type AttributeMap = Record<string, AttributeValue>;

export interface ChangeRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb: {
    Keys: AttributeMap;
    NewImage?: AttributeMap;
    OldImage?: AttributeMap;
    /** Unique and increasing within the feed (a stream shard in AWS). */
    SequenceNumber: string;
    /** Epoch seconds. */
    ApproximateCreationDateTime: number;
  };
}

export function changeRecord(
  eventName: 'INSERT' | 'MODIFY',
  item: Record<string, unknown>,
  oldItem: Record<string, unknown> | undefined,
  now: number,
): ChangeRecord {
  return {
    eventID: '',
    eventName,
    dynamodb: {
      Keys: marshall({ pk: item.pk }),
      NewImage: marshall(item, { removeUndefinedValues: true }),
      ...(oldItem ? { OldImage: marshall(oldItem, { removeUndefinedValues: true }) } : {}),
      SequenceNumber: '',
      ApproximateCreationDateTime: Math.floor(now / 1000),
    },
  };
}

export function imageOf(image: AttributeMap | undefined): Record<string, unknown> | undefined {
  return image ? unmarshall(image) : undefined;
}
