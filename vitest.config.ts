import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import SlowestFirst from './test/support/slowest-first.ts';

// Test files that start a lab, a cluster or helm but whose names do not say *.int.test.ts yet (their
// areas' engineers own the files; renaming them is theirs): they run in the int project, not in
// `npm run test:unit`. (The demo's test is test/lab/demo.int.test.ts now.)
const INT_NOT_YET_RENAMED: string[] = [];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // slow files first also in a fresh clone, whose results cache is empty (test/support/slowest-first.ts)
    sequence: { sequencer: SlowestFirst },
    // After the run, remove labs and clusters left by test workers that were killed (no exit
    // hooks ran), and the cluster the test files shared.
    globalSetup: ['test/support/lab-global-teardown.ts', 'test/support/cluster-global-teardown.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // capstan reads /etc/ssh/ssh_config, /etc/ssh/ssh_known_hosts and /etc/ansible/ansible.cfg
    // under CAPSTAN_SYSCONFDIR: no test reads the machine's own (tests that need them write temp ones)
    // NODE_COMPILE_CACHE: every capstan CLI a test starts (node lib/cli/play.ts ..., bin/capstan.js)
    // reuses Node's on-disk compile cache, as the npm scripts and bin do for users (lib/cli/compile-cache.mjs):
    // without it each start type-strips ~110 modules again (0.8 s → 0.35 s CPU per `play --help`).
    env: { CAPSTAN_SYSCONFDIR: '/nonexistent/capstan-tests-sysconfdir', NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') },
    // each worker's host lock file is its own (CAPSTAN_LOCK_PATH), not the machine's /run/lock/capstan.lock
    setupFiles: ['test/support/lock-path-setup.ts'],
    // `npm test` runs both; `npm run test:unit` only the unit project: no lab, cluster, helm,
    // haproxy, Ansible or Chromium (those tests are named *.int.test.ts).
    projects: [
      // Vitest's default is one worker per core less one: on 2 cores the unit files ran one at a
      // time. They need no lab or cluster, so they get both cores (run first: a maxWorkers of its
      // own needs a groupOrder of its own). The int project gets two as well: its files mostly wait
      // (on kwok's pod stages, SSH, helm), and each file has its own lab or cluster, so two at once
      // cut `npm test` from 862 s to ~560–600 s on 2 cores.
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.int.test.ts', ...INT_NOT_YET_RENAMED], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'int', include: ['test/**/*.int.test.ts', ...INT_NOT_YET_RENAMED], maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
