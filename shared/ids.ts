// Identifier rules of the public contract, as zod schemas shared by routes and domain code.
import { z } from '@hono/zod-openapi';

const IDENTIFIER = /^[a-z][a-z0-9_-]{1,63}$/;
// Printable characters: anything but C0/C1 control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject control characters.
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]+$/;

const identifier = (field: string) =>
  z
    .string()
    .regex(IDENTIFIER, `${field} must be 2-64 characters of a-z, 0-9, _ or -, starting with a letter`);

export const projectIdSchema = identifier('project_id').openapi({ example: 'bank_churn' });
export const datasetIdSchema = identifier('dataset_id').openapi({ example: 'baseline_2026_q3' });
export const modelIdSchema = identifier('model_id').openapi({ example: 'churn_classifier' });
export const eventIdSchema = z
  .string()
  .min(1, 'event_id must not be empty')
  .max(128, 'event_id must be at most 128 characters')
  .regex(PRINTABLE, 'event_id must contain only printable characters')
  // A lone surrogate (a JSON `\ud800` escape) is not text: it cannot be stored as UTF-8 or shown back.
  .refine(isWellFormed, 'event_id must be well-formed Unicode (it holds a lone surrogate)')
  .openapi({ example: 'evt-000123' });

function isWellFormed(value: string): boolean {
  // String.prototype.isWellFormed is in Node 20 but not in the ES2023 library types.
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

export function isEventId(value: unknown): value is string {
  return eventIdSchema.safeParse(value).success;
}
