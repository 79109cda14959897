/**
 * The objects role's steps on the cluster: apply and prune through the ApplySet
 * (lib/objects/applyset-steps.ts, shared with the istio role's mesh config), and the health wait
 * with its verify table (lib/objects/health-step.ts, shared with the serving role).
 */
export { applySetRef, applyStep, pruneStep, type ApplySetVars } from '../../lib/objects/applyset-steps.ts';
export { formatHealth, healthStep, type HealthRow, type StepVars } from '../../lib/objects/health-step.ts';
