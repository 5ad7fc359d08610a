import { forgetInvitation, takeInvitation } from '../invitation.js';

function fakes(href) {
  const url = new URL(href);
  const location = { hash: url.hash, pathname: url.pathname, search: url.search };
  const replaced = [];
  const history = { state: null, replaceState: (_s, _t, to) => replaced.push(to) };
  const items = new Map();
  const storage = {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, v),
    removeItem: (k) => items.delete(k),
  };
  return { location, history, storage, replaced, items };
}

describe('invitation token of an invited agent', () => {
  it('moves the token from the link into the tab, out of the address bar', () => {
    const f = fakes('https://relay.test/console/s_1#invitation=tok_abcdefghijklmnopqrstuv');
    expect(takeInvitation('s_1', f.location, f.history, f.storage)).toBe('tok_abcdefghijklmnopqrstuv');
    expect(f.replaced).toEqual(['/console/s_1']);
    // Back from the CRM sign-in, the fragment is gone; the tab still has it.
    const back = fakes('https://relay.test/console/s_1');
    back.items.set('sightline.invitation.s_1', 'tok_abcdefghijklmnopqrstuv');
    expect(takeInvitation('s_1', back.location, back.history, back.storage)).toBe('tok_abcdefghijklmnopqrstuv');
    expect(back.replaced).toEqual([]);
    forgetInvitation('s_1', back.storage);
    expect(takeInvitation('s_1', back.location, back.history, back.storage)).toBe('');
  });

  it('has nothing for a console opened without an invitation', () => {
    const f = fakes('https://relay.test/console/s_2');
    expect(takeInvitation('s_2', f.location, f.history, f.storage)).toBe('');
    expect(f.replaced).toEqual([]);
  });
});
