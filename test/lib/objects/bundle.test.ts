// The shipped schema bundle (lib/objects/bundle/schemas.json.gz): regenerated from ../shared
// (Kubernetes 1.35 OpenAPI + the pinned charts' CRDs) it is identical, it holds the kinds the
// platform docs use, and it stays small.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../../lib/objects/bundle/build.ts';
import { BUNDLE_FILE, crdRoles, decodeBundle, kindEntry, roleOfGroup } from '../../../lib/objects/bundle/index.ts';
import { readBundleInputs, stripHelm } from '../../../lib/objects/bundle/read-sources.ts';
import { SHARED_DIR } from '../../../lib/lab/shared-dir.ts';

describe('schema bundle', () => {
  it('is up to date with ../shared (else: npm run schemas -- --write)', () => {
    const fresh = buildBundle(readBundleInputs(SHARED_DIR));
    expect(JSON.stringify(decodeBundle(readFileSync(BUNDLE_FILE)))).toBe(JSON.stringify(fresh));
  });

  it('stays small enough to ship (under 64 KiB)', () => {
    expect(statSync(fileURLToPath(BUNDLE_FILE)).size).toBeLessThan(64 * 1024);
  });

  it('knows built-in and pinned-chart kinds, with their scope and the role installing their CRDs', () => {
    expect(kindEntry('networking.k8s.io/v1', 'NetworkPolicy')?.namespaced).toBe(true);
    expect(kindEntry('storage.k8s.io/v1', 'StorageClass')?.namespaced).toBe(false);
    expect(kindEntry('v1', 'Namespace')?.namespaced).toBe(false);
    expect(kindEntry('cert-manager.io/v1', 'ClusterIssuer')?.namespaced).toBe(false);
    expect(kindEntry('mlops.seldon.io/v1alpha1', 'Experiment')?.namespaced).toBe(true);
    expect(kindEntry('security.istio.io/v1', 'AuthorizationPolicy')).toBeDefined();
    expect(kindEntry('metallb.io/v1beta1', 'IPAddressPool')).toBeDefined();
    expect(kindEntry('v1', 'Binding')).toBeUndefined();
    expect([roleOfGroup('cert-manager.io'), roleOfGroup('mlops.seldon.io'), roleOfGroup('networking.istio.io'), roleOfGroup('metallb.io'), roleOfGroup('apps')])
      .toEqual(['cert-manager', 'seldon', 'istio', 'metallb', undefined]);
  });

  it("names the same CRD-installing roles as the shipped bundle's sources (crdRoles reads them without decoding it)", () => {
    expect(crdRoles()).toEqual([...new Set(decodeBundle(readFileSync(BUNDLE_FILE)).sources.map((s) => s.role))]);
  });

  it('reads chart CRD templates by dropping Helm directives only', () => {
    expect(stripHelm('{{- if .Values.crds.enabled }}\nkind: CustomResourceDefinition\n  labels:\n    {{- include "x" . | nindent 4 }}\n  ns: {{ .Release.Namespace }}\n{{- end }}'))
      .toBe('kind: CustomResourceDefinition\n  labels:\n  ns: templated');
  });
});
