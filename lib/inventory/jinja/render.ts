/** Rendering of var values (strings with `{{ }}`), lists and maps. Placeholder: returns values as they are. */
import type { VaultText } from '../yaml-ansible.ts';

export interface Scope {
  lookup(name: string): unknown;
  has(name: string): boolean;
  vault(v: VaultText): string;
}

export function renderValue(value: unknown, _scope: Scope): unknown {
  return value;
}
