// metallb + istio on the Kubernetes API simulator with real helm 3 (test/fixtures/istio/sim-suite.ts).
import { metallbIstioSuite } from './fixtures/istio/sim-suite.ts';

metallbIstioSuite(3);
