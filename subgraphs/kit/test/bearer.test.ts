import { describe, expect, it } from 'vitest';
import { bearerToken, jwsBearerToken } from '../src/bearer.ts';

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

describe('jwsBearerToken: a bearer token the JWS verifiers take', () => {
  it('takes a compact JWS, and nothing in another spelling', () => {
    const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_';
    expect(jwsBearerToken(`Bearer ${jws}`)).toBe(jws);
    for (const other of [`${jws}=`, `${jws}==`, jws.replace('-', '+'), jws.replace('_', '/'), 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0', `${jws}.x`, 'openssl+rand/base64=']) {
      expect(jwsBearerToken(`Bearer ${other}`), other).toBeNull();
    }
    expect(jwsBearerToken(undefined)).toBeNull();
  });
});
