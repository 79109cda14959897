// The run-lock vars' defaults: capstan_lock_path is /run/lock/capstan.lock unless CAPSTAN_LOCK_PATH
// replaces the default (an inventory value wins over both); the test workers each have their own.
import { expect, it } from 'vitest';
import { LOCK_PATH_ENV, lockSettings } from '../../../lib/lock/vars.ts';

it('the default is the machine-wide file; the environment variable replaces it; the inventory wins', () => {
  expect(lockSettings({}, {}).settings.capstan_lock_path).toBe('/run/lock/capstan.lock');
  expect(lockSettings({}, { [LOCK_PATH_ENV]: '/tmp/w1/capstan.lock' }).settings.capstan_lock_path).toBe('/tmp/w1/capstan.lock');
  expect(lockSettings({ capstan_lock_path: '/opt/l.lock' }, { [LOCK_PATH_ENV]: '/tmp/w1/capstan.lock' }).settings.capstan_lock_path).toBe('/opt/l.lock');
  expect(lockSettings({}, { [LOCK_PATH_ENV]: 'relative.lock' }).problems).toEqual([expect.objectContaining({ key: 'capstan_lock_path', message: expect.stringContaining('"relative.lock" is not valid') })]);
});

it('test workers take the host lock in a file of their own (test/support/lock-path-setup.ts)', () => {
  expect(process.env[LOCK_PATH_ENV]).toContain(`capstan-test-lock-${process.pid}/`);
  expect(lockSettings({}).settings.capstan_lock_path).toBe(process.env[LOCK_PATH_ENV]);
});
