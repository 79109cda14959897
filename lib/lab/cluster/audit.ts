/**
 * Reading the API server's audit log: the write requests (create, update, patch, delete) with
 * the user who made them. Before reading, a marker request is sent and awaited in the log, so
 * every request answered before the call is in what is read (the log is written as requests end).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ClusterApi } from './api.ts';
import { AUDIT_MARK_PATH } from './manifests.ts';

export interface AuditWrite {
  user: string;
  verb: string;
  /** e.g. /apis/apps/v1/namespaces/x/deployments/y?fieldManager=capstan */
  uri: string;
  code: number;
  /** The request asked for dryRun=All: it persisted nothing. */
  dryRun: boolean;
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Parse audit events (JSON lines) into writes; the marker lines and other events are skipped. */
export function parseWrites(text: string): AuditWrite[] {
  const out: AuditWrite[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as any;
    if (!WRITE_VERBS.has(e.verb)) continue;
    out.push({
      user: e.user?.username ?? '', verb: e.verb, uri: e.requestURI ?? '', code: e.responseStatus?.code ?? 0,
      dryRun: /[?&]dryRun=All(&|$)/.test(e.requestURI ?? ''),
      resource: [e.objectRef?.apiGroup, e.objectRef?.resource, e.objectRef?.subresource].filter(Boolean).join('/'),
      namespace: e.objectRef?.namespace, name: e.objectRef?.name,
    });
  }
  return out;
}

async function flushed(api: ClusterApi, file: string): Promise<string> {
  const mark = randomUUID();
  await api.call('GET', `${AUDIT_MARK_PATH}/${mark}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await readFile(file, 'utf8');
    if (text.includes(mark)) return text;
    if (Date.now() > deadline) throw new Error(`cluster: audit log ${file} did not show marker ${mark} within 10s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Write requests in the log up to now (of `user` when given). */
export async function readWrites(api: ClusterApi, file: string, user?: string): Promise<AuditWrite[]> {
  const writes = parseWrites(await flushed(api, file));
  return user === undefined ? writes : writes.filter((w) => w.user === user);
}
