/** One challenge of a `WWW-Authenticate` header. */
export interface AuthChallenge {
  /** Lower-cased scheme, e.g. `bearer` or `basic`. */
  scheme: string;
  /** Parameters with lower-cased names, e.g. `realm`, `service`, `scope`. */
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header value into its challenges, e.g.
 * `Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a/b:pull"`.
 * Quoted values may contain commas and escaped quotes.
 */
export function parseWwwAuthenticate(
  header: string | null | undefined,
): AuthChallenge[] {
  if (!header) return [];
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const text = header;
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < text.length && !' \t,="'.includes(text[i])) i++;
    return text.slice(start, i);
  };
  while (i < text.length) {
    skipSpace();
    while (text[i] === ',') {
      i++;
      skipSpace();
    }
    const scheme = readToken();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: AuthChallenge = {
      scheme: scheme.toLowerCase(),
      params: {},
    };
    challenges.push(challenge);
    // Parameters: name=value pairs separated by commas, until the next scheme.
    for (;;) {
      skipSpace();
      const save = i;
      const name = readToken();
      skipSpace();
      if (!name || text[i] !== '=') {
        i = save;
        break;
      }
      i++;
      skipSpace();
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        value = readToken();
      }
      challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
  }
  return challenges;
}
