/**
 * What a task, a Helm release or a cluster operation returns, and what --plan prints for a task:
 * the result types shared by lib/role.ts, lib/kube, lib/helm and the runner. Types only, importing
 * nothing, so every layer can use them without importing the layer above.
 */
export type TaskStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

export interface TaskResult {
  status: Exclude<TaskStatus, 'unreachable' | 'failed'>;
  /** Why: "istiod 1.30.3 already deployed with these values", "skipped: enable_istio is false". */
  msg?: string;
  /** A unified diff (or several) for --diff. Passed through the secret masker. */
  diff?: string;
  /** Small structured data for --json events and later tasks (e.g. a verify table). */
  data?: Record<string, unknown>;
}

/** What --plan prints for a task: offline, from vars alone. */
export type PlanEntry =
  | { kind: 'helm'; release: string; namespace: string; chart: string; version?: string; values: unknown; state: 'present' | 'absent' }
  | { kind: 'manifest'; description: string; yaml: string }
  | { kind: 'file'; path: string; mode?: string; content: string }
  | { kind: 'command'; text: string }
  | { kind: 'note'; text: string };
