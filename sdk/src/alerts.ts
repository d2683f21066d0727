// Alert rule and alert record types of contract section 6, inferred from the service's zod schemas.
import type { z } from 'zod';
import type * as api from '../../shared/api/schemas.js';

/** The body of `POST .../alert-rules`; fields with defaults may be left out. */
export type AlertRuleRequest = z.input<typeof api.ruleBody>;
/** A change to a rule (`PATCH .../alert-rules/{rule_id}`): only the fields given change. */
export type AlertRulePatch = z.input<typeof api.rulePatchBody>;
/** A stored rule as the service answers it (`webhook_secret` only in the answer that creates it). */
export type AlertRule = z.infer<typeof api.ruleSchema>;
export type AlertNotifications = z.input<typeof api.notificationsSchema>;
/** One firing of a rule for one bin and column. */
export type AlertRecord = z.infer<typeof api.alertRecordSchema>;
export type AlertSeverity = AlertRecord['severity'];
