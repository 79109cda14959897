// metallb + istio with real helm 3 on the real control plane (test/fixtures/istio/real-suite.ts).
import { metallbIstioRealSuite } from '../../fixtures/istio/real-suite.ts';

metallbIstioRealSuite(3);
