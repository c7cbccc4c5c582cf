import { ListLimiter } from './ListLimiter';

describe('ListLimiter', () => {
  it('runs at most max lists at once, in arrival order', async () => {
    const limiter = new ListLimiter(2);
    const order: string[] = [];
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const third = limiter.acquire().then(release => {
      order.push('third');
      return release;
    });
    const fourth = limiter.acquire().then(release => {
      order.push('fourth');
      return release;
    });
    await new Promise(resolve => setImmediate(resolve));
    expect(order).toEqual([]);
    first();
    first(); // releasing twice frees one slot only
    const releaseThird = await third;
    await new Promise(resolve => setImmediate(resolve));
    expect(order).toEqual(['third']);
    second();
    const releaseFourth = await fourth;
    expect(order).toEqual(['third', 'fourth']);
    releaseThird();
    releaseFourth();
    // Slots are free again: two acquire at once.
    (await limiter.acquire())();
  });

  it('lets an abandoned waiter leave the queue, so its slot goes to the next one', async () => {
    const limiter = new ListLimiter(1);
    const first = await limiter.acquire();
    const abort = new AbortController();
    const abandoned = limiter.acquire(abort.signal);
    const next = limiter.acquire();
    abort.abort();
    await expect(abandoned).rejects.toThrow('abandoned');
    first();
    // The slot passes to the waiter behind the abandoned one.
    (await next)();
    await expect(limiter.acquire(abort.signal)).rejects.toThrow('abandoned');
  });
});

describe('ListLimiter per cluster', () => {
  /** Lets every promise continuation that is ready run. */
  const settle = () => new Promise(resolve => setImmediate(resolve));

  it('keeps each cluster under its own bound while other clusters use the free global slots', async () => {
    const limiter = new ListLimiter(4, { perCluster: 2 });
    const a = limiter.forCluster('a');
    const b = limiter.forCluster('b');
    const granted: string[] = [];
    const ask = (handle: ListLimiter, name: string) =>
      handle.acquire().then(release => {
        granted.push(name);
        return release;
      });
    const a1 = ask(a, 'a1');
    const a2 = ask(a, 'a2');
    const a3 = ask(a, 'a3');
    const b1 = ask(b, 'b1');
    await settle();
    // a3 waits for a's bound; b1, behind it in the queue, takes a free global slot at once.
    expect(granted).toEqual(['a1', 'a2', 'b1']);
    expect(limiter.running).toBe(3);
    expect(limiter.waiting).toBe(1);
    (await b1)();
    await settle();
    // A slot of another cluster freed: a is still at its bound.
    expect(granted).toEqual(['a1', 'a2', 'b1']);
    (await a1)();
    await settle();
    expect(granted).toEqual(['a1', 'a2', 'b1', 'a3']);
    (await a2)();
    (await a3)();
    expect(limiter.running).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it('gives a freed slot to the first waiter whose cluster is under its bound, older clusters first', async () => {
    const limiter = new ListLimiter(2, { perCluster: 1 });
    // Handles made in this order: a is the oldest cluster, c the newest.
    const handles = Object.fromEntries(
      ['a', 'b', 'c'].map(n => [n, limiter.forCluster(n)]),
    );
    const granted: string[] = [];
    const ask = (cluster: string, name: string) =>
      handles[cluster].acquire().then(release => {
        granted.push(name);
        return release;
      });
    const a1 = ask('a', 'a1');
    const c1 = ask('c', 'c1');
    // The global bound is full: these wait, served as a2, b1, c2, b2 (by cluster, then arrival).
    const c2 = ask('c', 'c2');
    const b1 = ask('b', 'b1');
    const a2 = ask('a', 'a2');
    const b2 = ask('b', 'b2');
    await settle();
    expect(granted).toEqual(['a1', 'c1']);
    expect(limiter.waiting).toBe(4);
    // c's slot frees: a2 comes first in line but a is at its bound, so b1 goes next.
    (await c1)();
    await settle();
    expect(granted).toEqual(['a1', 'c1', 'b1']);
    // a's slot frees: a2, the oldest cluster's, although c2 and b2 could run too.
    (await a1)();
    await settle();
    expect(granted).toEqual(['a1', 'c1', 'b1', 'a2']);
    // b's slot frees: b2 (older cluster) before c2 (earlier arrival).
    (await b1)();
    await settle();
    expect(granted).toEqual(['a1', 'c1', 'b1', 'a2', 'b2']);
    (await a2)();
    await settle();
    expect(granted).toEqual(['a1', 'c1', 'b1', 'a2', 'b2', 'c2']);
    (await b2)();
    (await c2)();
    expect(limiter.running).toBe(0);
  });

  it('lists the clusters one after another when many start at once', async () => {
    const limiter = new ListLimiter(2, { perCluster: 2 });
    const granted: string[] = [];
    const lists = new Map<string, Promise<() => void>>();
    // Three clusters start three lists each, interleaved as their informers start.
    const handles = ['a', 'b', 'c'].map(
      name => [name, limiter.forCluster(name)] as const,
    );
    for (const list of [1, 2, 3]) {
      for (const [name, handle] of handles) {
        const id = `${name}${list}`;
        lists.set(
          id,
          handle.acquire().then(release => {
            granted.push(id);
            return release;
          }),
        );
      }
    }
    // The lists end one at a time, in the order they were granted.
    for (let done = 0; done < lists.size; done++) {
      await settle();
      (await lists.get(granted[done])!)();
    }
    // a1 and b1 took the two free slots at once; then a's other lists, b's, and c's.
    expect(granted).toEqual([
      'a1',
      'b1',
      'a2',
      'a3',
      'b2',
      'b3',
      'c1',
      'c2',
      'c3',
    ]);
    expect(limiter.running).toBe(0);
  });

  it('never lets one cluster run more than its bound, whatever the order of releases', async () => {
    const limiter = new ListLimiter(8, { perCluster: 3 });
    const clusters = ['a', 'b', 'c'];
    const running = new Map<string, number>();
    let highest = 0;
    let globalHighest = 0;
    const lists = Array.from({ length: 60 }, async (_, i) => {
      const cluster = clusters[(i % 7) % 3];
      const release = await limiter.forCluster(cluster).acquire();
      running.set(cluster, (running.get(cluster) ?? 0) + 1);
      highest = Math.max(highest, running.get(cluster)!);
      globalHighest = Math.max(globalHighest, limiter.running);
      // Lists end after a varying number of turns, so releases interleave.
      for (let turn = 0; turn < (i * 7) % 5; turn++) await settle();
      running.set(cluster, running.get(cluster)! - 1);
      release();
    });
    await Promise.all(lists);
    expect(highest).toBe(3);
    expect(globalHighest).toBeLessThanOrEqual(8);
    expect(limiter.running).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it('lets an abandoned waiter of a cluster leave, and counts a list without a cluster globally only', async () => {
    const limiter = new ListLimiter(2, { perCluster: 1 });
    const a = limiter.forCluster('a');
    const first = await a.acquire();
    const abort = new AbortController();
    const abandoned = a.acquire(abort.signal);
    // No cluster of its own: only the global bound applies.
    const unbound = await limiter.acquire();
    expect(limiter.running).toBe(2);
    abort.abort();
    await expect(abandoned).rejects.toThrow('abandoned');
    expect(limiter.waiting).toBe(0);
    first();
    unbound();
    unbound(); // releasing twice frees one slot only
    expect(limiter.running).toBe(0);
    (await a.acquire())();
  });
});
