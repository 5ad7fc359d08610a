import { createElement } from 'lwc';
import SightlineAttendees from 'c/sightlineAttendees';
import { graphql, forOperation } from 'lightning/graphql';
import { getObjectInfo } from 'lightning/uiObjectInfoApi';

// A user without the Sightline Sales permission set (even with Lead create access).
jest.mock('@salesforce/customPermission/Sightline_Create_Leads', () => ({ default: false }), { virtual: true });

describe('c-sightline-attendees without the sales permission', () => {
  it('lists attendees but offers no Create Lead', async () => {
    const el = createElement('c-sightline-attendees', { is: SightlineAttendees });
    el.recordId = '500000000000001AAA';
    document.body.appendChild(el);
    await Promise.resolve();
    getObjectInfo.emit({ apiName: 'Lead', createable: true });
    graphql.emit(require('./data/attendees.json'), forOperation('sightlineAttendees'));
    await Promise.resolve();
    graphql.emit(
      { uiapi: { query: { Contact: { edges: [] }, Lead: { edges: [] } } } },
      forOperation('sightlineAttendeeMatches'),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(el.shadowRoot.querySelectorAll('li.attendee')).toHaveLength(4);
    expect(el.shadowRoot.querySelector('lightning-button.create-lead')).toBeNull();
    expect([...el.shadowRoot.querySelectorAll('.att-status')].map((s) => s.textContent)).toContain(
      'c.Sightline_Unknown',
    );
  });
});
