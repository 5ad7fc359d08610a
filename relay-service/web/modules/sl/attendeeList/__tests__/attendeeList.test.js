import { createElement } from 'lwc';
import AttendeeList from 'sl/attendeeList';

describe('sl-attendee-list', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('lists roles, connection and contact details', () => {
    const el = createElement('sl-attendee-list', { is: AttendeeList });
    el.presenterId = 'p2';
    el.participants = [
      { id: 'p1', role: 'host', displayName: 'Alex Agent', contact: {}, connected: true, joinedAt: '' },
      {
        id: 'p2',
        role: 'guest',
        displayName: 'Ada',
        contact: { email: 'ada@example.com', phone: '+44 1234' },
        connected: false,
        joinedAt: '',
      },
    ];
    document.body.appendChild(el);
    const rows = [...el.shadowRoot.querySelectorAll('li')];
    expect(rows).toHaveLength(2);
    expect(rows[0].querySelector('.role').textContent).toBe('Host');
    expect(rows[0].querySelector('.online').textContent).toBe('connected');
    expect(rows[1].querySelector('.role').textContent).toBe('Customer, presenting');
    expect(rows[1].querySelector('.away').textContent).toBe('reconnecting…');
    expect([...rows[1].querySelectorAll('.contact')].map((c) => c.textContent)).toEqual([
      'ada@example.com',
      '+44 1234',
    ]);
  });

  it('lets the host remove anyone but themselves, after confirming', async () => {
    const el = createElement('sl-attendee-list', { is: AttendeeList });
    el.canRemove = true;
    el.participants = [
      { id: 'p1', role: 'host', displayName: 'Alex Agent', contact: {}, connected: true, joinedAt: '' },
      { id: 'p2', role: 'guest', displayName: 'Ada', contact: {}, connected: true, joinedAt: '' },
    ];
    const removed = [];
    el.addEventListener('remove', (e) => removed.push(e.detail.participantId));
    document.body.appendChild(el);
    const buttons = () => [...el.shadowRoot.querySelectorAll('button')];
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Remove Ada']);
    buttons()[0].click();
    await Promise.resolve();
    expect(el.shadowRoot.querySelector('[role="alert"]').textContent).toBe(
      'Remove Ada from the session? Their connection ends at once.',
    );
    expect(removed).toEqual([]);
    [...buttons()].find((b) => b.textContent === 'Cancel').click();
    await Promise.resolve();
    expect(removed).toEqual([]);
    buttons()[0].click();
    await Promise.resolve();
    [...buttons()].find((b) => b.textContent.trim() === 'Yes, remove Ada').click();
    expect(removed).toEqual(['p2']);
  });

  it('shows no remove button to agents who are not the host', () => {
    const el = createElement('sl-attendee-list', { is: AttendeeList });
    el.participants = [{ id: 'p2', role: 'guest', displayName: 'Ada', contact: {}, connected: true, joinedAt: '' }];
    document.body.appendChild(el);
    expect(el.shadowRoot.querySelectorAll('button')).toHaveLength(0);
  });
});
