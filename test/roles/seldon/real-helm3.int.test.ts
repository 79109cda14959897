// The seldon role with real helm 3 on the real control plane (test/fixtures/seldon/real-suite.ts).
import { seldonRealSuite } from '../../fixtures/seldon/real-suite.ts';

seldonRealSuite(3);
