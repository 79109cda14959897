/** What the enabled roles say about the platform: the services they expose, the k3s components they replace. */
import type { ExposedService, PlatformView } from '../role.ts';

/** Every service the platform's roles expose, in playbook order. */
export function exposedServices(view: PlatformView): ExposedService[] {
  return view.platformRoles.flatMap((r) => r.exposes?.(view.platform) ?? []);
}

/** The packaged k3s components some enabled role replaces (each once, in playbook order). */
export function replacedK3sComponents(view: PlatformView): string[] {
  return [...new Set(view.platformRoles.flatMap((r) => r.k3sComponents?.(view.platform) ?? []))];
}
