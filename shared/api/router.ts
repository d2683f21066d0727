// A router whose validation failures become the contract's 400 answer naming the field.
import { OpenAPIHono } from '@hono/zod-openapi';
import { InvalidInput } from '../errors.js';
import type { ApiEnv } from './env.js';
import { describeValidationError } from './errors.js';

export function newRouter() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new InvalidInput(describeValidationError(result.error, result.target));
    },
  });
}

export type Router = ReturnType<typeof newRouter>;
