/**
 * Decoding Kubernetes protobuf request bodies (content type application/vnd.kubernetes.protobuf):
 * the `k8s\0` magic, the runtime.Unknown envelope, and the messages helm and kubectl send that
 * way: Secret (helm's release storage), ConfigMap, Namespace and DeleteOptions. Responses are
 * always JSON, which every client accepts.
 */
import { ApiError, badRequest } from './status.ts';

type Field = { no: number; wire: number; value: bigint | Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw badRequest('protobuf: truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      out.push({ no, wire, value: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) {
      out.push({ no, wire, value: buf.readBigUInt64LE(pos) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: BigInt(buf.readUInt32LE(pos)) });
      pos += 4;
    } else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field): string => (f.value as Buffer).toString('utf8');
const num = (f: Field): number => Number(BigInt.asIntN(64, f.value as bigint));

function mapEntry(buf: Buffer): [string, Buffer] {
  let key = '';
  let value: Buffer = Buffer.alloc(0);
  for (const f of fields(buf)) {
    if (f.no === 1) key = str(f);
    if (f.no === 2) value = f.value as Buffer;
  }
  return [key, value];
}

function time(buf: Buffer): string {
  let seconds = 0;
  for (const f of fields(buf)) if (f.no === 1) seconds = num(f);
  return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

function ownerReference(buf: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const names: Record<number, string> = { 1: 'kind', 3: 'name', 4: 'uid', 5: 'apiVersion' };
  for (const f of fields(buf)) {
    if (names[f.no]) o[names[f.no]!] = str(f);
    if (f.no === 6) o.controller = f.value === 1n;
    if (f.no === 7) o.blockOwnerDeletion = f.value === 1n;
  }
  return o;
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const m: Record<string, any> = {};
  const strings: Record<number, string> = { 1: 'name', 2: 'generateName', 3: 'namespace', 5: 'uid', 6: 'resourceVersion' };
  for (const f of fields(buf)) {
    if (strings[f.no]) m[strings[f.no]!] = str(f);
    else if (f.no === 7) m.generation = num(f);
    else if (f.no === 8) m.creationTimestamp = time(f.value as Buffer);
    else if (f.no === 11 || f.no === 12) {
      const [k, v] = mapEntry(f.value as Buffer);
      ((m[f.no === 11 ? 'labels' : 'annotations'] ??= {}) as Record<string, string>)[k] = v.toString('utf8');
    } else if (f.no === 13) (m.ownerReferences ??= []).push(ownerReference(f.value as Buffer));
    else if (f.no === 14) (m.finalizers ??= []).push(str(f));
  }
  return m;
}

/** How a top-level field of Secret or ConfigMap is read: its JSON name and wire shape. */
type FieldKind = 'meta' | 'bytesMap' | 'stringMap' | 'string' | 'bool';
type MessageSpec = Record<number, [string, FieldKind]>;

const secretSpec: MessageSpec = { 1: ['metadata', 'meta'], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'stringMap'], 5: ['immutable', 'bool'] };
const configMapSpec: MessageSpec = { 1: ['metadata', 'meta'], 2: ['data', 'stringMap'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] };

function message(spec: MessageSpec, buf: Buffer): Record<string, unknown> {
  const o: Record<string, any> = {};
  for (const f of fields(buf)) {
    const entry = spec[f.no];
    if (!entry) continue;
    const [name, kind] = entry;
    if (kind === 'meta') o[name] = objectMeta(f.value as Buffer);
    else if (kind === 'string') o[name] = str(f);
    else if (kind === 'bool') o[name] = f.value === 1n;
    else {
      const [k, v] = mapEntry(f.value as Buffer);
      (o[name] ??= {})[k] = v.toString(kind === 'bytesMap' ? 'base64' : 'utf8');
    }
  }
  return o;
}

function namespace(buf: Buffer): Record<string, unknown> {
  const o: Record<string, any> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) o.metadata = objectMeta(f.value as Buffer);
    else if (f.no === 2) for (const g of fields(f.value as Buffer)) if (g.no === 1) ((o.spec ??= {}).finalizers ??= []).push(str(g));
  }
  return o;
}

function deleteOptions(buf: Buffer): Record<string, unknown> {
  const o: Record<string, any> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) o.gracePeriodSeconds = num(f);
    else if (f.no === 2) {
      const pre: Record<string, string> = {};
      for (const g of fields(f.value as Buffer)) pre[g.no === 1 ? 'uid' : 'resourceVersion'] = str(g);
      o.preconditions = pre;
    } else if (f.no === 3) o.orphanDependents = f.value === 1n;
    else if (f.no === 4) o.propagationPolicy = str(f);
    else if (f.no === 5) (o.dryRun ??= []).push(str(f));
  }
  return o;
}

const decoders: Record<string, (b: Buffer) => Record<string, unknown>> = {
  Secret: (b) => message(secretSpec, b), ConfigMap: (b) => message(configMapSpec, b), Namespace: namespace, DeleteOptions: deleteOptions,
};

/** Decode a `k8s\0`-prefixed runtime.Unknown body into the JSON form of the object. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw badRequest('protobuf body lacks the k8s magic prefix');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1) for (const g of fields(f.value as Buffer)) g.no === 1 ? (apiVersion = str(g)) : (kind = str(g));
    if (f.no === 2) raw = f.value as Buffer;
  }
  const decode = decoders[kind];
  if (!decode) throw new ApiError(415, 'UnsupportedMediaType', `the simulator decodes protobuf bodies only for ${Object.keys(decoders).join(', ')}, not ${kind}: send JSON`);
  return { apiVersion, kind, ...decode(raw) };
}
