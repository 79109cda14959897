/**
 * INI as Python's configparser reads ansible.cfg (Ansible builds it with
 * `inline_comment_prefixes=(';',)`): `[section]`, `key = value` or `key: value`, `#` and `;`
 * comment lines, ` ;` inline comments, indented continuation lines joined with a newline, keys
 * lower-cased. Written here rather than taken from an npm INI parser: those read `=` only, strip
 * `#` inline and know no continuation lines, and the differences would change values.
 */
export type ConfigSections = Map<string, Map<string, string>>;

export function parseConfigParser(text: string): ConfigSections {
  const sections: ConfigSections = new Map();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) {
      lastKey = undefined;
      continue;
    }
    const line = raw.replace(/\s;.*$/, '');
    if (/^\s/.test(line) && section && lastKey !== undefined) {
      section.set(lastKey, `${section.get(lastKey)}\n${line.trim()}`);
      continue;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line.trim());
    if (header) {
      const name = header[1]!.trim();
      section = sections.get(name) ?? new Map();
      sections.set(name, section);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line.trim());
    if (!kv || !section) continue;
    lastKey = kv[1]!.toLowerCase();
    section.set(lastKey, kv[2]!.trim());
  }
  return sections;
}
