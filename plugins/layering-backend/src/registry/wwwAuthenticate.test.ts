import { parseWwwAuthenticate } from './wwwAuthenticate';

describe('parseWwwAuthenticate', () => {
  it('parses a Bearer challenge with quoted parameters', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/busybox:pull',
        },
      },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted values', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://a/t",scope="repository:a:pull,push",x="say \\"hi\\""',
      )[0].params,
    ).toEqual({
      realm: 'https://a/t',
      scope: 'repository:a:pull,push',
      x: 'say "hi"',
    });
  });

  it('reads several challenges and unquoted values', () => {
    expect(
      parseWwwAuthenticate(
        'Basic realm=test, Bearer realm="https://r", service=s',
      ),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'test' } },
      { scheme: 'bearer', params: { realm: 'https://r', service: 's' } },
    ]);
  });

  it('returns nothing for empty headers', () => {
    expect(parseWwwAuthenticate(null)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});
