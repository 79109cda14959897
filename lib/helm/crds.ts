/**
 * The CustomResourceDefinitions a release's manifest installs, by name. A release installed
 * without helm's wait (a CRD-only chart such as istio-base: helm 3 would poll every 2 s for
 * nothing but the CRDs' Established condition) still has its CRDs waited for, by capstan's
 * watch-based wait, so the tasks after it can use them.
 */
import { parseAllDocuments } from 'yaml';

export function manifestCrds(manifest: string): string[] {
  const names: string[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const obj = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (obj?.kind === 'CustomResourceDefinition' && typeof obj.metadata?.name === 'string') names.push(obj.metadata.name);
  }
  return names;
}
