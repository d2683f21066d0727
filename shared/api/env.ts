// The Hono environment: what middleware puts on the context for handlers.
import type { Principal } from '../auth/tokens.js';
import type { Services } from './services.js';

export interface ApiEnv {
  Variables: { principal: Principal; services: Services };
}
