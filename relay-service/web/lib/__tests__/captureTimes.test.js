import { CaptureTimes } from '../captureTimes.js';

describe('capture times in flight', () => {
  it('hands each capture time back once', () => {
    const times = new CaptureTimes();
    times.set(1000, 5.5);
    expect(times.take(1000)).toBe(5.5);
    expect(times.take(1000)).toBeUndefined();
  });

  it('forgets the oldest frames a codec dropped instead of growing', () => {
    const times = new CaptureTimes();
    for (let i = 0; i < 500; i++) times.set(i, i);
    expect(times.size).toBe(64);
    expect(times.take(0)).toBeUndefined();
    expect(times.take(499)).toBe(499);
  });
});
