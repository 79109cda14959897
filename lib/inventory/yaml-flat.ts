/**
 * A fast path for the commonest vars file: a flat mapping, one `key: value` per line
 * (`node_role: special`, `mtu: 1400`, `rack_label: "{{ rack | upper }}"`), as most host_vars/ and
 * many group_vars/ files are. Such a file is read without building a YAML syntax tree, its
 * plain values resolved by the same schema tags (Ansible's booleans, ints, floats, timestamps,
 * null) the full parser uses. Anything else, down to a trailing space, a comment after a value,
 * a key given twice (Ansible warns about it) or a quote inside a quoted value, returns undefined
 * and goes through parseAnsibleYaml's full parser: this path only ever answers for text on which
 * both agree (test/lib/inventory/yaml-flat.test.ts compares them on a table of such lines).
 */
import { Document, isScalar, type ScalarTag } from 'yaml';

type Tags = (tags: never[]) => unknown[];

/** `key: rest`: a key that is a plain identifier, then nothing or one space and the value. */
const LINE = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;
/** Characters YAML refuses or treats as line breaks (with the tab, the BOM). */
const ODD = '\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff';
const DOUBLE = new RegExp(`^"([^"\\\\${ODD}]*)"$`);
const SINGLE = new RegExp(`^'([^'${ODD}]*)'$`);
/** A plain scalar that cannot be anything but one: no indicator first, no comment, no flow brackets (and no `: `, checked apart). */
const PLAIN = new RegExp(`^(?:[A-Za-z0-9_./~+(=$^]|-[0-9.])[^#{}[\\]${ODD}]*$`);
const IGNORED = /^\s*(?:#.*)?$/;

export class FlatYaml {
  private readonly tags: readonly ScalarTag[];
  constructor(customTags: Tags) {
    const schema = new Document(undefined, { version: '1.1', customTags: customTags as never }).schema;
    this.tags = (schema.tags as ScalarTag[]).filter((t) => t.default === true && t.test);
  }

  /** The mapping, or undefined when the text is not one this path reads (then parse it in full). */
  parse(text: string): Record<string, unknown> | undefined {
    if (text.includes('\r') || text.includes('\t') || text.charCodeAt(0) === 0xfeff) return undefined;
    const out: Record<string, unknown> = {};
    let keys = 0;
    for (const line of text.split('\n')) {
      const m = LINE.exec(line);
      if (!m) {
        if (IGNORED.test(line)) continue;
        return undefined;
      }
      const key = m[1]!;
      if (key === '__proto__' || Object.hasOwn(out, key) || this.tagOf(key)) return undefined;
      const value = this.value(m[2]);
      if (value === undefined) return undefined;
      out[key] = value.v;
      keys++;
    }
    return keys ? out : undefined;
  }

  private value(rest: string | undefined): { v: unknown } | undefined {
    if (rest === undefined) return { v: null };
    const quoted = DOUBLE.exec(rest) ?? SINGLE.exec(rest);
    if (quoted) return { v: quoted[1] };
    if (!PLAIN.test(rest) || rest.includes(': ') || rest.endsWith(':') || rest.endsWith(' ')) return undefined;
    const tag = this.tagOf(rest);
    if (!tag) return { v: rest };
    let failed = false;
    const res = tag.resolve(rest, () => { failed = true; }, {} as never);
    return failed ? undefined : { v: isScalar(res) ? res.value : res };
  }

  /** The tag a plain scalar resolves to (undefined: a string), as the full parser tests them, in schema order. */
  private tagOf(text: string): ScalarTag | undefined {
    return this.tags.find((t) => t.test!.test(text));
  }
}
