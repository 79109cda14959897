/**
 * Kubernetes Status error bodies, shaped like a real API server's (kubectl and helm print the
 * message verbatim).
 */
import type { ResourceType } from './registry.ts';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
  type?: string;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  body(): Record<string, unknown> {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message,
      reason: this.reason, ...(this.details ? { details: this.details } : {}), code: this.code,
    };
  }
}

/** "deployments.apps" / "configmaps": the qualified resource as the server names it. */
export function qualified(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

function details(t: Pick<ResourceType, 'group' | 'plural'>, name: string): Record<string, unknown> {
  return { name, ...(t.group ? { group: t.group } : {}), kind: t.plural };
}

export function notFound(t: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(t)} "${name}" not found`, details(t, name));
}

export function alreadyExists(t: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, details(t, name));
}

export function conflict(t: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiError {
  return new ApiError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(t, name));
}

/** 422 Invalid: `Kind.group "name" is invalid: field: message`. */
export function invalid(t: Pick<ResourceType, 'group' | 'kind'>, name: string, causes: StatusCause[]): ApiError {
  const kindName = t.group ? `${t.kind}.${t.group}` : t.kind;
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const text = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kindName} "${name}" is invalid: ${text}`, {
    name, ...(t.group ? { group: t.group } : {}), kind: t.kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`);
}
