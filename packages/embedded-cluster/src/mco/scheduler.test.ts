import { Scheduler, checkSimulationSpeed } from './scheduler';

describe('Scheduler at speed 0', () => {
  it('runs work asynchronously, in simulated-time order, and settles when nothing is left', async () => {
    const s = new Scheduler(0, e => {
      throw e;
    });
    const order: string[] = [];
    s.after(5, 'late', () => order.push('late'));
    s.after(1, 'early', () => {
      order.push('early');
      s.after(1, 'chained', () => order.push('chained'));
    });
    s.after(0, 'now', () => order.push('now'));
    expect(order).toEqual([]);
    await s.settle();
    expect(order).toEqual(['now', 'early', 'chained', 'late']);
  });

  it('reports failing work and carries on', async () => {
    const errors: string[] = [];
    const s = new Scheduler(0, (e, label) => errors.push(`${label}: ${(e as Error).message}`));
    let ran = false;
    s.after(0, 'boom', () => {
      throw new Error('broken');
    });
    s.after(0, 'next', () => {
      ran = true;
    });
    await s.settle();
    expect(errors).toEqual(['boom: broken']);
    expect(ran).toBe(true);
  });

  it('drops queued work on stop', async () => {
    const s = new Scheduler(0, () => {});
    let ran = false;
    s.after(1, 'x', () => {
      ran = true;
    });
    s.stop();
    await s.settle();
    expect(ran).toBe(false);
  });
});

describe('Scheduler at speed > 0', () => {
  // Fake timers (Date.now included): on a loaded machine the real clock can move between two
  // `after` calls by more than the gap between their due times, which reorders them.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs work on timers in due order and settles when it is done', async () => {
    // Speed 1000: a simulated second takes a millisecond.
    const s = new Scheduler(1000, e => {
      throw e;
    });
    const order: string[] = [];
    s.after(3, 'third', () => order.push('third'));
    s.after(1, 'first', () => order.push('first'));
    s.after(2, 'second', () => order.push('second'));
    const settled = s.settle();
    await jest.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['first']);
    await jest.advanceTimersByTimeAsync(2);
    await settled;
    expect(order).toEqual(['first', 'second', 'third']);
  });
});

describe('simulation speed', () => {
  it('reads higher as faster and refuses a value below 1 with what to use instead', () => {
    expect(checkSimulationSpeed(0)).toBe(0);
    expect(checkSimulationSpeed(1)).toBe(1);
    expect(checkSimulationSpeed(10)).toBe(10);
    expect(() => checkSimulationSpeed(0.1)).toThrow(
      'speed 0.1 is refused: speed now reads as a speed, higher is faster (1 = demo pace, 10 = ten times faster, 0 = instant). A value below 1 used to mean faster than demo pace; for what 0.1 meant before, use 10.',
    );
    expect(() => checkSimulationSpeed(-1, '--speed')).toThrow(
      '--speed must be 0 (instant) or a number of at least 1',
    );
    expect(() => new Scheduler(0.5, () => {})).toThrow('use 2.');
  });
});
