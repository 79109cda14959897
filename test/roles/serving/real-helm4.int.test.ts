// The serving path with real helm 4 on the real control plane, from empty and a no-op rerun
// (test/roles/serving/real-suite.ts): cert-manager's real controller, Seldon and ingress-nginx stand-ins.
import { servingRealSuite } from './real-suite.ts';

servingRealSuite(4);
