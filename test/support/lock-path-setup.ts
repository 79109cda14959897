// Test setup (vitest setupFiles): each test worker's runs take the host lock in a file of their
// own instead of the machine-wide /run/lock/capstan.lock, so CLI runs against local hosts in
// parallel workers never wait on each other (two runs in one worker still do, as they should).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LOCK_PATH_ENV } from '../../lib/lock/vars.ts';

const dir = join(tmpdir(), `capstan-test-lock-${process.pid}`);
process.env[LOCK_PATH_ENV] = join(dir, 'capstan.lock');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
