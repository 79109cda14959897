// SSH pieces without a connection: ssh args, ProxyJump parsing, shell words.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { posixQuote, sh } from '../lib/shell.ts';
import {
  fingerprint, hostsFieldMatches, keyTypeOf, knownHostName, parseKnownHosts, readKnownHosts, recordHostKey, verifyHostKey,
} from '../lib/transport/known-hosts.ts';
import { parseJump, parseSshArgs } from '../lib/transport/openssh-args.ts';
import { shellWords } from '../lib/shell-words.ts';
import { remoteCommand, sudoHandshake } from '../lib/transport/ssh-exec.ts';

/** An ssh-ed25519 public key blob (type string + 32 key bytes), as a server presents it. */
function ed25519Blob(seed = randomBytes(32)): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const len = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  return Buffer.concat([len(type.length), type, len(seed.length), seed]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  const key = ed25519Blob();
  const other = ed25519Blob();
  const b64 = key.toString('base64');

  it('matches plain, hashed, comma-listed, pattern and [host]:port entries', () => {
    expect(hostsFieldMatches('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(hostsFieldMatches('a,10.0.0.1', '10.0.0.1')).toBe(true);
    expect(hostsFieldMatches('10.0.0.*', '10.0.0.7')).toBe(true);
    expect(hostsFieldMatches('10.0.0.*,!10.0.0.7', '10.0.0.7')).toBe(false);
    expect(hostsFieldMatches('Node1.Example,other', 'node1.example')).toBe(true); // names match case-insensitively, as OpenSSH's
    expect(hostsFieldMatches('node1.example', 'node1.example.org')).toBe(false);
    expect(hostsFieldMatches('node1.*,!NODE1.bad', 'node1.bad')).toBe(false);
    expect(hostsFieldMatches(hashed('10.0.0.1'), '10.0.0.1')).toBe(true);
    expect(hostsFieldMatches(hashed('10.0.0.1'), '10.0.0.2')).toBe(false);
    expect(knownHostName('h', 22)).toBe('h');
    expect(knownHostName('h', 2222)).toBe('[h]:2222');
    const entries = parseKnownHosts(`# comment\n[h]:2222 ssh-ed25519 ${b64}\n`);
    expect(verifyHostKey(entries, '[h]:2222', key).kind).toBe('match');
    expect(verifyHostKey(entries, 'h', key).kind).toBe('unknown');
  });

  it('tells unknown, changed (any other key for the host) and revoked apart', () => {
    const entries = parseKnownHosts([
      `${hashed('10.0.0.1')} ssh-ed25519 ${other.toString('base64')}`,
      `10.0.0.2 ecdsa-sha2-nistp256 AAAAE2VjZHNh`,
      `@revoked * ssh-ed25519 ${ed25519Blob(Buffer.alloc(32, 7)).toString('base64')}`,
    ].join('\n'));
    expect(verifyHostKey(entries, '10.0.0.9', key)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(entries, '10.0.0.1', key)).toMatchObject({ kind: 'changed', line: 1, knownType: 'ssh-ed25519' });
    expect(verifyHostKey(entries, '10.0.0.2', key)).toMatchObject({ kind: 'changed', knownType: 'ecdsa-sha2-nistp256' });
    expect(verifyHostKey(entries, '10.0.0.9', ed25519Blob(Buffer.alloc(32, 7))).kind).toBe('revoked');
  });

  it('prints fingerprints as ssh-keygen does and records accepted keys', () => {
    expect(keyTypeOf(key)).toBe('ssh-ed25519');
    expect(fingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const file = join(mkdtempSync(join(tmpdir(), 'capstan-kh-')), 'sub', 'known_hosts');
    recordHostKey(file, '[10.0.0.1]:2200', key);
    expect(readFileSync(file, 'utf8')).toBe(`[10.0.0.1]:2200 ssh-ed25519 ${b64}\n`);
    expect(verifyHostKey(readKnownHosts(file), '[10.0.0.1]:2200', key).kind).toBe('match');
  });
});

describe('ssh args', () => {
  it('reads ProxyJump, UserKnownHostsFile and StrictHostKeyChecking in the forms people write', () => {
    const a = parseSshArgs(`-o ProxyJump=admin@bastion:2222 -o 'UserKnownHostsFile=/x/known hosts' -o StrictHostKeyChecking=no -C`);
    expect(a.jumps).toEqual([{ user: 'admin', address: 'bastion', port: 2222 }]);
    expect(a.knownHostsFiles).toEqual(['/x/known', 'hosts']);
    expect(a.strictHostKeyChecking).toBe('accept-new');
    expect(a.ignored).toEqual(['-C']);
    expect(parseSshArgs('-J j1,u@j2 -oStrictHostKeyChecking=yes').jumps).toEqual([{ address: 'j1', port: 22 }, { user: 'u', address: 'j2', port: 22 }]);
    expect(parseJump('[fe80::1]:22')).toEqual([{ address: 'fe80::1', port: 22 }]);
    expect(shellWords(`a "b c" 'd\\e' f\\ g`)).toEqual(['a', 'b c', 'd\\e', 'f g']);
    expect(() => parseSshArgs('-o "ProxyJump=x')).toThrow(/unbalanced/);
  });
});

describe('remote command text', () => {
  const b = { user: 'deploy', becomeUser: 'root' };
  it('wraps the quoted command for bash, exports env inside, and puts sudo in front for become', () => {
    const cmd = sh`echo ${'$(id)'}`;
    expect(remoteCommand(cmd, {}, b)).toBe(`exec /bin/bash -c ${posixQuote(cmd.text)}`);
    const withEnv = remoteCommand(cmd, { env: { A: "x'y" } }, b);
    expect(withEnv).toContain(`export A=`);
    expect(() => remoteCommand(cmd, { env: { 'A;B': '1' } }, b)).toThrow(/invalid environment/);
    expect(remoteCommand(cmd, { become: true }, b)).toMatch(/^exec sudo -n -H -u 'root' -- \/bin\/bash -c /);
    expect(remoteCommand(cmd, { become: true }, { user: 'root', becomeUser: 'root' })).toMatch(/^exec \/bin\/bash/);
    expect(remoteCommand(cmd, { timeoutMs: 1500 }, b)).toMatch(/^exec timeout -s KILL 1\.500s \/bin\/bash/);
  });

  it('never puts the become password into the command text', () => {
    const h = sudoHandshake('s3cret-pw');
    const text = remoteCommand(sh`id`, { become: true, handshake: h }, b);
    expect(text).not.toContain('s3cret-pw');
    expect(text).toContain(`sudo -S -p '${h.prompt}'`);
    expect(text).toContain(h.marker);
  });
});
