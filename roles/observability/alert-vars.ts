/** The shape of one alerting rule in observability_alert_rules, and Prometheus's duration. */
import { z } from 'zod';

/** A Prometheus duration: `30s`, `5m`, `1h30m`, `1d`. */
export const promDuration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, { message: 'must be a Prometheus duration such as 30s, 5m or 1d' });

export const alertRule = z.object({
  alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a name such as ModelServerDown (letters, digits, _)' }),
  expr: z.string().min(1),
  for: promDuration.optional(),
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  summary: z.string().optional(),
}).strict();

export type AlertRule = z.infer<typeof alertRule>;
