// Response declarations shared by route definitions, so every route documents its error answers.
import { errorSchema } from './schemas.js';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

export const errorResponses = {
  400: error('Invalid identifier, query or body; the message names the field'),
  401: error('No token, or an unknown or revoked one'),
  403: error('The token is not allowed on this project or route'),
  404: error('Unknown project, dataset, model, event or rule'),
} as const;

export const conflictResponse = { 409: error('It exists already') } as const;
export const mediaResponses = {
  413: error('The body is over the request size limit'),
  415: error('The Content-Type is not one the route takes'),
} as const;

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
