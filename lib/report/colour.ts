/**
 * Colour as ansible-playbook uses it (its default COLOR_* settings): ok green, changed yellow,
 * failed and unreachable red, skipped cyan, warnings bright purple, errors red. On for a
 * terminal; off with NO_COLOR (no-color.org) or ANSIBLE_NOCOLOR; forced with FORCE_COLOR or
 * ANSIBLE_FORCE_COLOR (CI logs that render ANSI). FORCE_COLOR=0 turns it off.
 */
type Env = Readonly<Record<string, string | undefined>>;

const set = (v: string | undefined): boolean => v !== undefined && v !== '';
const truthy = (v: string | undefined): boolean => set(v) && !/^(0|false|no|off)$/i.test(v!);

export function colourEnabled(env: Env, isTTY: boolean): boolean {
  if (set(env['FORCE_COLOR'])) return truthy(env['FORCE_COLOR']);
  if (truthy(env['ANSIBLE_FORCE_COLOR'])) return true;
  if (set(env['NO_COLOR']) || truthy(env['ANSIBLE_NOCOLOR'])) return false;
  return isTTY && env['TERM'] !== 'dumb';
}

const SGR = {
  green: '32', yellow: '33', red: '31', cyan: '36', purple: '1;35', brightRed: '1;31', bold: '1', dim: '2',
} as const;
export type Colour = keyof typeof SGR;

export type Paint = (colour: Colour, text: string) => string;

/** A painter: ANSI colour when on, the text unchanged when off. Multi-line text is painted per line. */
export function painter(on: boolean): Paint {
  if (!on) return (_c, text) => text;
  return (c, text) => text.split('\n').map((l) => (l ? `\x1b[${SGR[c]}m${l}\x1b[0m` : l)).join('\n');
}

/** The colour of a task status, as Ansible's callback picks it. */
export const STATUS_COLOUR = { ok: 'green', changed: 'yellow', skipped: 'cyan', failed: 'red', unreachable: 'brightRed' } as const satisfies Record<string, Colour>;
