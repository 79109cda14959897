// Role checks and unknown-key verdicts at scale, counted: role.validate runs once per group set when it reads only its vars, other roles' vars and sources (role-validators.ts), per host when it reads ctx.host or something differs; a misspelt key's "did you mean" is worked out once per name (closest() counted through a spy); every host still gets its own problems.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveHost } from '../../../lib/inventory/index.ts';
import { defineRole, type Role, type ValidateContext } from '../../../lib/role.ts';
import { closest } from '../../../lib/vars/suggest.ts';
import * as t from '../../../lib/vars/types.ts';
import { defaultLayers, parseRoleVars, runRoleValidators, unknownKeys } from '../../../lib/vars/validate.ts';
import { useInventoryFiles } from '../../support/inventory-files.ts';

vi.mock('../../../lib/vars/suggest.ts', async (original) => {
  const m = await original<typeof import('../../../lib/vars/suggest.ts')>();
  return { ...m, closest: vi.fn(m.closest) };
});

const demoCheck = vi.fn((v: { demo_memory: string | number }, ctx: ValidateContext) =>
  (v.demo_memory === '1Gi' && ctx.allVars['other_mode'] === 'small' ? [{ file: ctx.sourceOf('demo_memory'), key: 'demo_memory', message: 'too big for small' }] : []));
const otherCheck = vi.fn((_v: unknown, ctx: ValidateContext) => (ctx.host.name.endsWith('3') ? [{ file: '', key: 'other_mode', message: `host ${ctx.host.name}` }] : []));
const demo = defineRole({ name: 'demo', description: 'demo', tags: ['demo'], vars: { demo_memory: { schema: t.quantity, default: '128Mi', description: 'memory' } }, validate: (v, ctx) => demoCheck(v, ctx), tasks: () => [] });
const other = defineRole({ name: 'other', description: 'other', tags: ['other'], vars: { other_mode: { schema: t.state.or(t.quantity).or(t.dns1123Label), default: 'small', description: 'mode' } }, validate: (v, ctx) => otherCheck(v, ctx), tasks: () => [] });
const roles = [demo, other] as unknown as Role[];
const known = new Set(['demo_memory', 'other_mode']);

const hosts = (g: string, n: number) => [`[${g}]`, ...Array.from({ length: n }, (_, i) => `${g}${i}`)];
const files: Record<string, string> = {
  hosts: [...hosts('big', 20), ...hosts('tiny', 20)].join('\n'),
  'group_vars/all.yml': 'demo_memroy: 2Gi\n',
  'group_vars/big.yml': 'demo_memory: 1Gi\n',
  'host_vars/big5.yml': 'other_mode: large\n',
};
const inventory = useInventoryFiles('validators-once', files);
beforeEach(() => {
  demoCheck.mockClear();
  otherCheck.mockClear();
  vi.mocked(closest).mockClear();
});

function validateAll(names: ReadonlySet<string> = known) {
  const roleDefaults = defaultLayers(roles);
  return new Map(inventory().hosts.map((h) => {
    const resolved = resolveHost(inventory(), h, { roleDefaults });
    const parsed = parseRoleVars(roles, resolved);
    const info = { name: h, groups: inventory().groupsOf(h).filter((g) => g !== 'all'), vars: {} };
    return [h, [...parsed.problems, ...runRoleValidators(roles, parsed.vars, info, resolved), ...unknownKeys(roles, names, resolved)]];
  }));
}

describe('role checks across 40 hosts in 2 groups', () => {
  it('run once per group set when they read no host, per host when they do', () => {
    validateAll();
    // big (19 hosts share), big5 (its own other_mode changes what demo's check reads), tiny (20 share)
    expect(demoCheck).toHaveBeenCalledTimes(3);
    expect(otherCheck).toHaveBeenCalledTimes(40);
  });

  it('give every host its own problems, naming the file', () => {
    const problems = validateAll();
    const of = (h: string) => problems.get(h)!.map((p) => `${p.file} › ${p.key}: ${p.message}`);
    expect(of('big0')).toEqual([
      'group_vars/big.yml › demo_memory: too big for small',
      expect.stringMatching(/^group_vars\/all\.yml › demo_memroy: unknown variable; did you mean demo_memory\?/),
    ]);
    expect(of('big5')).toEqual([expect.stringMatching(/demo_memroy/)]);
    expect(of('big3')).toEqual(['group_vars/big.yml › demo_memory: too big for small', ' › other_mode: host big3', expect.stringMatching(/demo_memroy/)]);
    expect(of('tiny1')).toEqual([expect.stringMatching(/demo_memroy/)]);
  });

  it('work out the "did you mean" of a misspelt key once, not once per host', () => {
    validateAll(new Set(known));
    expect(vi.mocked(closest)).toHaveBeenCalledTimes(1);
  });
});
