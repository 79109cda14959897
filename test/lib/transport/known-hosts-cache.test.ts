// lib/transport/known-hosts.ts readKnownHosts: a file is parsed once while it stays the same (a run
// reads it for every host it connects to), and read again as soon as it changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownHostName, readKnownHosts, recordHostKey, verifyHostKey } from '../../../lib/transport/known-hosts.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = (n: number) => Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, n)]);

describe('readKnownHosts', () => {
  it('parses an unchanged file once, and sees a key recorded since, or a file rewritten', () => {
    const file = join(dir, 'known_hosts');
    recordHostKey(file, knownHostName('10.0.0.1', 22), key(1));
    const first = readKnownHosts(file);
    expect(readKnownHosts(file)).toBe(first);
    recordHostKey(file, knownHostName('10.0.0.2', 22), key(2));
    expect(verifyHostKey(readKnownHosts(file), '10.0.0.2', key(2)).kind).toBe('match');
    writeFileSync(file, '');
    expect(readKnownHosts(file)).toEqual([]);
    expect(readKnownHosts(join(dir, 'missing'))).toEqual([]);
  });
});
