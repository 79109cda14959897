/**
 * YAML as Ansible reads it (PyYAML's YAML 1.1 resolvers, through the `yaml` package):
 * booleans are exactly yes/no/on/off/true/false in their three spellings (not `y`/`n`), `010` is
 * octal 8, `09` stays a string, a float needs a dot, timestamps stay strings (Ansible prints
 * them back as the same ISO text), `<<` merge keys work and duplicate keys keep the last value.
 * `!vault |` scalars become VaultText (decrypted later), `!unsafe` scalars stay plain strings.
 */
import { parse, type ScalarTag, type Tags } from 'yaml';

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
  { tag: 'tag:yaml.org,2002:float', default: true, test: FLOAT, identify: (v) => typeof v === 'number', resolve: (s) => resolveFloat(s) },
  { tag: '!vault', resolve: (s) => new VaultText(s) as never },
  { tag: '!unsafe', resolve: (s) => s },
];

const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp']);

function ansibleTags(tags: Tags): Tags {
  return [...tags.filter((t) => !REPLACED.has(typeof t === 'string' ? t : t.tag)), ...ansibleScalars];
}

/** Parse one YAML document as Ansible would. Throws the `yaml` package's error (with line/col) on bad YAML. */
export function parseAnsibleYaml(text: string): unknown {
  return parse(text, { version: '1.1', customTags: ansibleTags, uniqueKeys: false, merge: true, maxAliasCount: 10000 });
}

/** The first line of a YAML error, without its trailing colon. */
export function yamlMessage(e: unknown): string {
  return (e as Error).message.split('\n')[0]!.replace(/:$/, '');
}
