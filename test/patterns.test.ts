// Ansible host patterns and --limit.
import { describe, expect, it } from 'vitest';
import { applyLimit, selectHosts, splitPattern } from '../lib/runner/patterns.ts';

// The same universe as an ansible inventory `[g] a b c d` + `[h] c e`; expectations are what
// Debian's `ansible <pattern> -i hosts --list-hosts` printed for it.
const u = {
  hosts: ['a', 'b', 'c', 'd', 'e'],
  groups: { all: ['a', 'b', 'c', 'd', 'e'], ungrouped: [], g: ['a', 'b', 'c', 'd'], h: ['c', 'e'] },
};

describe('host patterns', () => {
  it.each([
    ['g', ['a', 'b', 'c', 'd']],
    ['e', ['e']],
    ['g[0]', ['a']],
    ['g[0:2]', ['a', 'b', 'c']],
    ['g[1:]', ['b', 'c', 'd']],
    ['g[-1]', ['d']],
    ['g:!h', ['a', 'b', 'd']],
    ['!h', ['a', 'b', 'd']],
    ['g:&h', ['c']],
    ['h,g', ['c', 'e', 'a', 'b', 'd']],
    ['h:g', ['c', 'e', 'a', 'b', 'd']],
    ['g[0]:h', ['a', 'c', 'e']],
    ['*', ['a', 'b', 'c', 'd', 'e']],
    ['all', ['a', 'b', 'c', 'd', 'e']],
    ['x*', []],
    ['~[ab]', ['a', 'b', 'c', 'd', 'e']], // group names are searched too: 'all' matches
    ['~^[ab]$', ['a', 'b']],
    ['g*', ['a', 'b', 'c', 'd']],
  ])('%s', (pattern, hosts) => {
    expect(selectHosts(pattern, u).hosts).toEqual(hosts);
  });

  it('reports terms that match nothing', () => {
    expect(selectHosts('g:nope', u).unmatched).toEqual(['nope']);
  });

  it('keeps subscripts whole when splitting on colons', () => {
    expect(splitPattern('g[1:2]:!h')).toEqual(['g[1:2]', '!h']);
  });

  it('limits a play\'s hosts with a pattern, keeping the play order', () => {
    expect(applyLimit(['d', 'c', 'a'], 'h:a', u).hosts).toEqual(['c', 'a']);
    expect(applyLimit(['d', 'c'], undefined, u).hosts).toEqual(['d', 'c']);
  });
});
