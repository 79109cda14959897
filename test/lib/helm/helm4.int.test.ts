// lib/helm with the real helm 4.1 against the real control plane (see test/fixtures/helm/suite.ts).
import { helmSuite } from '../../fixtures/helm/suite.ts';

helmSuite(4);
