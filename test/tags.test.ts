// --tags / --skip-tags selection.
import { describe, expect, it } from 'vitest';
import { parseTagList, roleMaySelect, tagsSelected } from '../lib/runner/tags.ts';

const sel = (task: string[], tags: string[], skipTags: string[] = []) => tagsSelected(new Set(task), { tags, skipTags });

describe('tags (Ansible evaluate_tags)', () => {
  it.each([
    // task tags, --tags, --skip-tags, runs
    [['istio'], [], [], true],
    [['istio'], ['istio'], [], true],
    [['istio'], ['metallb'], [], false],
    [['istio', 'verify'], ['verify'], [], true],
    [['istio'], ['all'], [], true],
    [['istio', 'never'], [], [], false],
    [['istio', 'never'], ['all'], [], false],
    [['istio', 'never', 'debug'], ['debug'], [], true],
    [['istio', 'always'], ['metallb'], [], true],
    [['istio', 'always'], ['metallb'], ['always'], false],
    [['istio'], [], ['istio'], false],
    [['istio', 'verify'], ['istio'], ['verify'], false],
    [['istio', 'always'], [], ['all'], true],
    [['istio'], [], ['all'], false],
    [['istio'], ['tagged'], [], true],
  ] as const)('%j --tags %j --skip-tags %j → %s', (task, tags, skip, runs) => {
    expect(sel([...task], [...tags], [...skip])).toBe(runs);
  });

  it('splits comma lists and repeated flags', () => {
    expect(parseTagList(['istio,metallb', ' verify '])).toEqual(['istio', 'metallb', 'verify']);
  });

  it('keeps a role whose tags do not match when a tag may be a task tag', () => {
    const every = new Set(['istio', 'metallb']);
    expect(roleMaySelect(new Set(['istio']), every, { tags: ['metallb'], skipTags: [] })).toBe(false);
    expect(roleMaySelect(new Set(['istio']), every, { tags: ['verify'], skipTags: [] })).toBe(true);
    expect(roleMaySelect(new Set(['istio']), every, { tags: ['verify'], skipTags: ['istio'] })).toBe(false);
  });
});
