// The seldon role with real helm 4 on the real control plane (test/fixtures/seldon/real-suite.ts):
// helm 4's server-side apply of the runtime and servers charts (their null podSpecs are given as {}).
import { seldonRealSuite } from '../../fixtures/seldon/real-suite.ts';

seldonRealSuite(4);
