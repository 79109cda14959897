// The seldon role on the Kubernetes API simulator with real helm 3 (test/fixtures/seldon/sim-suite.ts).
import { seldonSimSuite } from './fixtures/seldon/sim-suite.ts';

seldonSimSuite(3);
