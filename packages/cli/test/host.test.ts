import { describe, expect, it } from 'vitest';
import { resolveHost } from '../src/cql.js';
import { UsageError } from '../src/errors.js';

describe('resolveHost', () => {
  it('takes --host over RINGTAIL_HOST over the default', () => {
    expect(resolveHost(undefined, {})).toBe('http://127.0.0.1:9080');
    expect(resolveHost(undefined, { RINGTAIL_HOST: ' ' })).toBe('http://127.0.0.1:9080');
    expect(resolveHost(undefined, { RINGTAIL_HOST: 'http://10.0.0.5:9080' })).toBe('http://10.0.0.5:9080');
    expect(resolveHost('http://a:1', { RINGTAIL_HOST: 'http://b:2' })).toBe('http://a:1');
  });

  it('normalises what it is given', () => {
    expect(resolveHost('localhost:9090', {})).toBe('http://localhost:9090');
    expect(resolveHost('https://db.example.com/', {})).toBe('https://db.example.com');
    expect(resolveHost('HTTP://[::1]:9080', {})).toBe('http://[::1]:9080');
    expect(resolveHost('http://proxy/ringtail/', {})).toBe('http://proxy/ringtail');
  });

  it.each([
    ['ftp://x', '--host must be an http:// or https:// URL, got "ftp://x"'],
    ['http://', '--host must be a URL like http://127.0.0.1:9080, got "http://"'],
    ['http://a:99999', '--host must be a URL like http://127.0.0.1:9080, got "http://a:99999"'],
    ['http://a:1/?x=1', '--host must be a plain http://host:port address, got "http://a:1/?x=1"'],
    ['http://user:pw@a:1', '--host must be a plain http://host:port address, got "http://user:pw@a:1"'],
  ])('refuses %j', (host, message) => {
    expect(() => resolveHost(host, {})).toThrow(new UsageError(message));
  });

  it('names the variable when it is at fault', () => {
    expect(() => resolveHost(undefined, { RINGTAIL_HOST: 'ftp://x' })).toThrow('RINGTAIL_HOST must be');
  });
});
