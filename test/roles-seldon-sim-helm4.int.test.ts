// The seldon role on the Kubernetes API simulator with real helm 4 (test/fixtures/seldon/sim-suite.ts).
import { seldonSimSuite } from './fixtures/seldon/sim-suite.ts';

seldonSimSuite(4);
