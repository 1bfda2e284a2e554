import { describe, expect, it } from 'vitest';
import { bearerToken } from '../src/bearer.ts';

describe('bearerToken: the one parser of Authorization: Bearer', () => {
  it('takes a JWS in compact form', () => {
    expect(bearerToken('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_')).toBe('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_');
  });

  it('takes every credential RFC 6750 allows, so an operator\'s METRICS_TOKEN made by `openssl rand -base64 32` is accepted', () => {
    expect(bearerToken('Bearer q+3/Zk9~a.b_c-d==')).toBe('q+3/Zk9~a.b_c-d==');
  });

  it('refuses what is not one token of those characters', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', 'Bearer a"b', 'Bearer =abc', 'bearer', ['Bearer a', 'Bearer b']]) {
      expect(bearerToken(header as string | string[] | undefined), String(header)).toBeNull();
    }
  });
});
