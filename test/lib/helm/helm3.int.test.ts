// lib/helm with the real helm 3.17 against the real control plane (see test/fixtures/helm/suite.ts).
import { helmSuite } from '../../fixtures/helm/suite.ts';

helmSuite(3);
