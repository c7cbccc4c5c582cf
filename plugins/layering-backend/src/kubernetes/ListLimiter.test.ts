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
