// Every Istio object of the platform docs (typed vars) on the real control plane with helm 4: applied as planned, 0 writes on rerun, pruned when removed (test/fixtures/istio/zero-trust-suite.ts).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { zeroTrustRealSuite } from '../../fixtures/istio/zero-trust-suite.ts';

zeroTrustRealSuite(4, parse(readFileSync(new URL('../../fixtures/istio/platform-docs/group_vars/all.yml', import.meta.url), 'utf8')));
