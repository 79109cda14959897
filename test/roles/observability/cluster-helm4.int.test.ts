// The observability role on the real control plane with real helm 4 (cluster-suite.ts).
import { observabilityClusterSuite } from './cluster-suite.ts';

observabilityClusterSuite(4);
