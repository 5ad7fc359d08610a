import { formatDuration, groupKey, normalizeEmail, parseEmailList, reduceErrors, splitName } from 'c/sightlineFormat';

describe('c/sightlineFormat', () => {
  it('groups a key in threes as the console does', () => {
    expect(groupKey('482913')).toBe('482 913');
    expect(groupKey('1234')).toBe('123 4');
    expect(groupKey('123456789')).toBe('123 456 789');
  });

  it('formats durations as a player does', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(754)).toBe('12:34');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBeNull();
    expect(formatDuration(-1)).toBeNull();
  });

  it('splits a name into the Lead name fields, falling back to the email', () => {
    expect(splitName('Grace Brewster Hopper', 'g@x.io')).toEqual({ firstName: 'Grace Brewster', lastName: 'Hopper' });
    expect(splitName('Cher', 'c@x.io')).toEqual({ firstName: null, lastName: 'Cher' });
    expect(splitName('  ', 'anon@solo.example')).toEqual({ firstName: null, lastName: 'anon' });
  });

  it('reads a typed list of addresses and refuses anything that is not one', () => {
    expect(parseEmailList('a@x.io, b@y.org;c@z.net')).toEqual(['a@x.io', 'b@y.org', 'c@z.net']);
    expect(parseEmailList('a@x.io, nope')).toBeNull();
    expect(parseEmailList('')).toBeNull();
    expect(normalizeEmail(' Ada@Example.COM ')).toBe('ada@example.com');
  });

  it('reads the error shapes of LDS, GraphQL, REST and plain errors', () => {
    expect(reduceErrors({ body: { message: 'LDS says no' } })).toBe('LDS says no');
    expect(reduceErrors([{ message: 'GraphQL says no' }])).toBe('GraphQL says no');
    expect(reduceErrors({ body: [{ message: 'REST says no' }] })).toBe('REST says no');
    expect(reduceErrors({ body: { output: { errors: [{ message: 'duplicate' }] }, message: 'x' } })).toBe('duplicate');
    expect(reduceErrors(new Error('plain'))).toBe('plain');
  });
});
