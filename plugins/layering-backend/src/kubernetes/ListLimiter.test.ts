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
});
