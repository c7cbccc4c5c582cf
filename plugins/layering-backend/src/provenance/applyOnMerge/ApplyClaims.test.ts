import { testEngines } from '../../__testUtils__/throwawayPostgres';
import { eventually } from '../../__testUtils__/testBackend';
import { ApplyClaims } from './ApplyClaims';

jest.setTimeout(120_000);

const engines = testEngines();

describe.each(engines.map(e => [e.name, e] as const))(
  'ApplyClaims on %s',
  (_name, engine) => {
    afterAll(() => engine.close());

    /** Two replicas' claims on one fresh database. */
    async function replicas(
      options: { ttlMs?: number; backoffMs?: number } = {},
    ) {
      const { first, second } = await engine.open();
      const settings = {
        ttlMs: options.ttlMs,
        backoff: { baseMs: options.backoffMs ?? 60_000 },
      };
      const a = await ApplyClaims.create(first, { owner: 'a', ...settings });
      const b = await ApplyClaims.create(second, { owner: 'b', ...settings });
      return { a, b };
    }

    it('gives a request to one replica when several claim it at the same moment', async () => {
      const { a, b } = await replicas();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? b : a).claim('req-1')),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      // Held: nobody else gets it, not even ignoring back-offs.
      expect(await a.claim('req-1', { ignoreBackoff: true })).toBe(false);
      expect(await b.claim('req-1', { ignoreBackoff: true })).toBe(false);
      // Applied: released, and a later claim (a pass that read the list before) may take it
      // again, then finds the request applied.
      const holder = results.indexOf(true) % 2 ? b : a;
      await holder.release('req-1', { result: 'applied' });
      expect(await a.state('req-1')).toBeUndefined();
    });

    it('takes back a claim whose replica died once it expired', async () => {
      const { a, b } = await replicas({ ttlMs: 3_000 });
      expect(await a.claim('req-2')).toBe(true);
      expect(await b.claim('req-2')).toBe(false);
      // Replica a never releases; after the TTL replica b takes it.
      await eventually(async () => expect(await b.claim('req-2')).toBe(true));
      expect(await b.state('req-2')).toMatchObject({ owner: 'b', held: true });
      // The late release of a changes nothing: it is b's now.
      await a.release('req-2', { result: 'failed' });
      expect(await b.state('req-2')).toMatchObject({
        owner: 'b',
        held: true,
        attempts: 0,
      });
    });

    it('waits a growing back-off after failures, unless told not to, and never takes a refused one', async () => {
      const { a, b } = await replicas({ backoffMs: 3_000 });
      expect(await a.claim('req-3')).toBe(true);
      await a.release('req-3', { result: 'failed' });
      const first = await a.state('req-3');
      expect(first).toMatchObject({ attempts: 1, held: false, refused: null });
      expect(await b.claim('req-3')).toBe(false);
      // A pass on start does not wait.
      expect(await b.claim('req-3', { ignoreBackoff: true })).toBe(true);
      await b.release('req-3', { result: 'failed' });
      const second = await b.state('req-3');
      expect(second?.attempts).toBe(2);
      // Twice the first wait, from the second failure.
      expect(second!.nextAttemptAt).toBeGreaterThan(first!.nextAttemptAt);
      await eventually(async () => expect(await a.claim('req-3')).toBe(true));

      await a.release('req-3', {
        result: 'refused',
        reason: 'not layering content',
      });
      expect(await a.state('req-3')).toMatchObject({
        refused: 'not layering content',
      });
      expect(await b.claim('req-3', { ignoreBackoff: true })).toBe(false);
    });
  },
);
