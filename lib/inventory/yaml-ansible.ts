/**
 * YAML as Ansible reads it (PyYAML's YAML 1.1 resolvers, through the `yaml` package):
 * booleans are exactly yes/no/on/off/true/false in their three spellings (not `y`/`n`), `010` is
 * octal 8, `09` stays a string, a float needs a dot (and stays one for --list: python-float.ts), dates stay strings and datetimes become
 * YamlTimestamp (printed as Ansible prints them), `<<` merge keys work and duplicate keys keep the last value.
 * `!vault |` scalars become VaultText (decrypted later), `!unsafe` scalars UnsafeText (never templated).
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, parseDocument, visit, type ScalarTag, type Tags } from 'yaml';
import { FlatYaml } from './yaml-flat.ts';
import { inventoryFloat } from './python-float.ts';

/** An inline `!vault |` value: the ciphertext, and the plaintext once decrypted. */
export class VaultText {
  readonly ciphertext: string;
  plaintext: string | undefined;
  constructor(ciphertext: string) {
    this.ciphertext = ciphertext;
  }
  toJSON(): unknown {
    return { __ansible_vault: this.ciphertext };
  }
}

/** A `!unsafe` string: never templated; `--list` prints it as Ansible does. */
export class UnsafeText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toJSON(): unknown {
    return { __ansible_unsafe: this.text };
  }
}

/**
 * A YAML datetime (`2024-01-02 10:11:12`): `--list` prints Python's isoformat()
 * (`2024-01-02T10:11:12`), and a var reads as Python's str() (`2024-01-02 10:11:12`).
 * Plain dates (`2024-01-02`) stay strings: both forms are the text itself.
 */
export class YamlTimestamp {
  readonly iso: string;
  readonly text: string;
  constructor(iso: string, text: string) {
    this.iso = iso;
    this.text = text;
  }
  toJSON(): string {
    return this.iso;
  }
}

const TIMESTAMP = /^(?:([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

function resolveTimestamp(source: string): unknown {
  const m = TIMESTAMP.exec(source)!;
  if (m[1]) return source;
  const pad = (x: string | undefined) => (x ?? '0').padStart(2, '0');
  const date = `${m[4]}-${pad(m[5])}-${pad(m[6])}`;
  const micro = (m[10] ?? '').slice(0, 6).padEnd(6, '0');
  const time = `${pad(m[7])}:${m[8]}:${m[9]}${/[1-9]/.test(micro) ? `.${micro}` : ''}`;
  let tz = '';
  if (m[11]) {
    const [h, min = '00'] = m[11] === 'Z' ? ['+00', '00'] : m[11].split(':');
    tz = `${h!.slice(0, 1)}${pad(h!.slice(1))}:${min}`;
  }
  return new YamlTimestamp(`${date}T${time}${tz}`, `${date} ${time}${tz}`);
}

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function sexagesimal(text: string): number {
  return text.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

function resolveInt(source: string): number {
  const sign = source.startsWith('-') ? -1 : 1;
  const s = source.replace(/^[-+]/, '').replace(/_/g, '');
  if (s.includes(':')) return sign * sexagesimal(s);
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.length > 1 && s.startsWith('0')) return sign * parseInt(s, 8);
  return sign * Number(s);
}

function resolveFloat(source: string): number {
  const s = source.replace(/_/g, '');
  if (/nan/i.test(s)) return NaN;
  if (/inf/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (s.includes(':')) {
    const sign = s.startsWith('-') ? -1 : 1;
    return sign * sexagesimal(s.replace(/^[-+]/, ''));
  }
  return Number(s);
}

const ansibleScalars: ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:bool', default: true, test: BOOL, identify: (v) => typeof v === 'boolean', resolve: (s) => /^(?:yes|true|on)$/i.test(s) as never },
  { tag: 'tag:yaml.org,2002:int', default: true, test: INT, identify: (v) => Number.isInteger(v), resolve: (s) => resolveInt(s) },
  { tag: 'tag:yaml.org,2002:float', default: true, test: FLOAT, identify: (v) => typeof v === 'number', resolve: (s) => inventoryFloat(resolveFloat(s)) as never },
  { tag: '!vault', resolve: (s) => new VaultText(s) as never },
  { tag: 'tag:yaml.org,2002:timestamp', default: true, test: TIMESTAMP, identify: (v) => v instanceof YamlTimestamp, resolve: (s) => resolveTimestamp(s) as never },
  { tag: '!unsafe', resolve: (s) => new UnsafeText(s) as never },
];

const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp']);

export function ansibleTags(tags: Tags): Tags {
  return [...tags.filter((t) => !REPLACED.has(typeof t === 'string' ? t : t.tag)), ...ansibleScalars];
}

/**
 * The most nodes a file may hold once its aliases are expanded. The `yaml` package shares an
 * aliased node instead of copying it, so a small file (one 100k-item list referenced 9,999 times:
 * 230 KB, under the alias-count limit) parses fast but stands for a billion values, which every
 * later walk (rendering, --list) would copy. Real inventories hold a few thousand.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

const SIZE_MESSAGE = `the file expands to more than ${MAX_EXPANDED_NODES} nodes once its aliases (*name) are expanded: write the repeated data once, or reference it from fewer places`;

/** A file that is valid YAML but too big once expanded (an alias bomb); `key` is the top-level key where the bound was crossed. */
export class YamlSizeError extends Error {
  key = '';
}

/** Line and column (1-based) of an offset in text. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * Ansible's warning for a key given twice in one mapping (the last value wins, as there):
 * "While constructing a mapping from F, line L, column C, found a duplicate dict key (k). Using last defined value only."
 */
function duplicateKeyWarnings(doc: ReturnType<typeof parseDocument>, text: string, source: string): string[] {
  const warnings: string[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (seen.has(key)) {
          const at = map.range ? lineCol(text, map.range[0]) : 'line ?';
          warnings.push(`While constructing a mapping from ${source}, ${at}, found a duplicate dict key (${String(key)}). Using last defined value only.`);
        }
        seen.add(key);
      }
    },
  });
  return warnings;
}

/**
 * Parse one YAML document as Ansible would (a flat one through yaml-flat.ts). Throws the `yaml` package's error (with line/col) on
 * bad YAML. With `warnings`, a key given twice in a mapping adds Ansible's warning there.
 */
let flat: FlatYaml | undefined;

export function parseAnsibleYaml(text: string, warn?: { source: string; warnings: string[] }): unknown {
  // one `key: value` a line (most host_vars files): the same values without a syntax tree
  const quick = (flat ??= new FlatYaml(ansibleTags)).parse(text);
  if (quick) return quick;
  const doc = parseDocument(text, { version: '1.1', customTags: ansibleTags, uniqueKeys: false, merge: true });
  if (doc.errors.length) throw doc.errors[0];
  if (warn) warn.warnings.push(...duplicateKeyWarnings(doc, text, warn.source));
  // measured on the syntax tree, before any value is built: a bomb is refused without expanding it
  const anchors = new Map<string, unknown>();
  const memo = new Map<unknown, number>();
  if (isMap(doc.contents)) {
    let total = 1;
    for (const pair of doc.contents.items) {
      try {
        total += expandedSize(pair.key, anchors, memo) + expandedSize(pair.value, anchors, memo);
        if (total > MAX_EXPANDED_NODES) throw new YamlSizeError(SIZE_MESSAGE);
      } catch (e) {
        if (e instanceof YamlSizeError) e.key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        throw e;
      }
    }
  } else expandedSize(doc.contents, anchors, memo);
  return doc.toJS({ maxAliasCount: 10000 });
}

/**
 * Nodes under `node`, each alias counted as the whole node it names; memoised per node. Walks in
 * document order, recording anchors as it meets them (an alias names the latest anchor before
 * it), so each node is visited once: `Alias.resolve` would search the whole document per alias.
 */
function expandedSize(node: unknown, anchors: Map<string, unknown>, memo: Map<unknown, number>): number {
  if (isAlias(node)) return anchors.has(node.source) ? expandedSize(anchors.get(node.source), anchors, memo) : 1;
  if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
  if (!isMap(node) && !isSeq(node)) return 1;
  const known = memo.get(node);
  if (known !== undefined) return known;
  memo.set(node, 1); // an alias to an enclosing node (a cycle) counts once, as PyYAML shares it
  let size = 1;
  for (const item of node.items) {
    size += isPair(item) ? expandedSize(item.key, anchors, memo) + expandedSize(item.value, anchors, memo) : expandedSize(item, anchors, memo);
    if (size > MAX_EXPANDED_NODES) {
      throw new YamlSizeError(SIZE_MESSAGE);
    }
  }
  memo.set(node, size);
  return size;
}

/** The first line of a YAML error, without its trailing colon. */
export function yamlMessage(e: unknown): string {
  return (e as Error).message.split('\n')[0]!.replace(/:$/, '').replace(/ at line \d+, column \d+$/, '');
}

/** Where a YAML syntax error is, as the key of its `file › line 2, column 1` problem ('' when unknown). */
export function yamlWhere(e: unknown): string {
  if (e instanceof YamlSizeError) return e.key;
  const pos = (e as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}` : '';
}

/** The message for a file that failed to parse: the YAML error with `fix`, or the size error (which carries its own). */
export function yamlProblem(e: unknown, fix: string): string {
  return e instanceof YamlSizeError ? e.message : `${yamlMessage(e)}: ${fix}`;
}
