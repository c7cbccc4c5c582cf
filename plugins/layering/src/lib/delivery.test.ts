import type { LayeringDeliveryOptions } from '@rhcos-layering/plugin-layering-common';
import { enumLabels } from '../components/fieldContext';
import {
  asDelivery,
  asForgeKind,
  forgeReadiness,
  repoHost,
  secretGiven,
} from './delivery';

const options: LayeringDeliveryOptions = {
  forges: [
    { kind: 'github', host: 'github.com', credentials: false },
    { kind: 'github', host: 'GHE.example.com', credentials: true },
    { kind: 'gitlab', host: 'gitlab.com', credentials: false },
  ],
  pullRequestAvailable: true,
};

describe('delivery rules', () => {
  it('reads the host of a RepoUrlPicker value', () => {
    expect(repoHost('github.com?owner=acme&repo=fleet')).toBe('github.com');
    expect(repoHost('GitLab.com?repo=fleet')).toBe('gitlab.com');
    expect(repoHost('')).toBeUndefined();
    expect(repoHost(undefined)).toBeUndefined();
    expect(repoHost({ host: 'github.com' })).toBeUndefined();
  });

  it('sees a filled Secret field by its mask only', () => {
    expect(secretGiven('****')).toBe(true);
    expect(secretGiven('')).toBe(false);
    expect(secretGiven(undefined)).toBe(false);
  });

  it('judges a forge as a whole, or for one host, ignoring case', () => {
    expect(forgeReadiness(options, 'github')).toEqual({
      status: 'ready',
      hosts: ['GHE.example.com'],
    });
    expect(forgeReadiness(options, 'github', 'ghe.example.com')).toEqual({
      status: 'ready',
      hosts: ['GHE.example.com'],
    });
    expect(forgeReadiness(options, 'github', 'github.com')).toEqual({
      status: 'no-credentials',
      host: 'github.com',
    });
    expect(forgeReadiness(options, 'gitlab')).toEqual({
      status: 'no-credentials',
    });
    expect(forgeReadiness(options, 'github', 'gitlab.com')).toEqual({
      status: 'wrong-forge',
      host: 'gitlab.com',
      forge: 'gitlab',
    });
    expect(forgeReadiness(options, 'gitlab', 'bitbucket.org')).toEqual({
      status: 'unknown-host',
      host: 'bitbucket.org',
    });
  });

  it('accepts only the known values', () => {
    expect(asForgeKind('gitlab')).toBe('gitlab');
    expect(asForgeKind('GitLab')).toBeUndefined();
    expect(asDelivery('direct')).toBe('direct');
    expect(asDelivery(null)).toBeUndefined();
  });

  it("takes option labels from the schema's enumNames, else the defaults", () => {
    const defaults = { github: 'GitHub', gitlab: 'GitLab' };
    expect(
      enumLabels(
        {
          enum: ['gitlab', 'github', 'gitea'],
          enumNames: ['GL MR', 'GH PR', 'x'],
        },
        defaults,
      ),
    ).toEqual({ github: 'GH PR', gitlab: 'GL MR' });
    expect(enumLabels({ enum: ['github'] }, defaults)).toEqual(defaults);
    expect(enumLabels(undefined, defaults)).toEqual(defaults);
  });
});
