import { createElement } from 'lwc';
import SightlineAttendees from 'c/sightlineAttendees';
import { graphql, forOperation } from 'lightning/graphql';
import { createRecord, updateRecord } from 'lightning/uiRecordApi';
import { getObjectInfo } from 'lightning/uiObjectInfoApi';

jest.mock('@salesforce/customPermission/Sightline_Create_Leads', () => ({ default: true }), { virtual: true });

const ATTENDEES = require('./data/attendees.json');
const CASE_ID = '500000000000001AAA';
const ATTENDEE_OP = forOperation('sightlineAttendees');
const MATCH_OP = forOperation('sightlineAttendeeMatches');
const matches = (contacts, leads) => ({
  uiapi: {
    query: {
      Contact: { edges: contacts.map(([Id, email]) => ({ node: { Id, Email: { value: email } } })) },
      Lead: { edges: leads.map(([Id, email]) => ({ node: { Id, Email: { value: email } } })) },
    },
  },
});
const KNOWN_LEAD = ['00Q000000000009AAA', 'linus@known-lead.example'];

// Lets wire emissions, promise chains and re-renders settle (a few microtask turns).
const flush = () => Array.from({ length: 6 }).reduce((p) => p.then(() => undefined), Promise.resolve());

async function mount({ createable = true, matchData = matches([], [KNOWN_LEAD]), refreshMatches } = {}) {
  const el = createElement('c-sightline-attendees', { is: SightlineAttendees });
  el.recordId = CASE_ID;
  document.body.appendChild(el);
  await flush(); // the wires receive their config after connect
  getObjectInfo.emit({ apiName: 'Lead', createable });
  graphql.emit(ATTENDEES, ATTENDEE_OP, jest.fn().mockResolvedValue());
  await flush();
  graphql.emit(matchData, MATCH_OP, refreshMatches || jest.fn().mockResolvedValue());
  await flush();
  return el;
}
const rows = (el) => [...el.shadowRoot.querySelectorAll('li.attendee')];
const rowFor = (el, name) => rows(el).find((li) => li.querySelector('.att-name').textContent === name);

describe('c-sightline-attendees', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('shows a spinner, then one row per person with known / unknown status', async () => {
    const el = createElement('c-sightline-attendees', { is: SightlineAttendees });
    el.recordId = CASE_ID;
    document.body.appendChild(el);
    await flush();
    expect(el.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
    document.body.removeChild(el);

    const ready = await mount();
    expect(ready.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    // Grace joined twice (email differs only in case): one row, newest details.
    expect(rows(ready).map((li) => li.querySelector('.att-name').textContent)).toEqual([
      'Ada Byron',
      'Grace Brewster Hopper',
      'Linus Lead',
      'Anonymous Guest',
    ]);
    const ada = rowFor(ready, 'Ada Byron');
    expect(ada.querySelector('.att-status').textContent).toBe('c.Sightline_Known_Contact');
    // The name and its badge are two words, not "Ada LovelaceContact".
    expect(ada.querySelector('p').textContent).toMatch(/\S\sc\.Sightline_Known_Contact$/);
    expect(ada.querySelector('a.att-name').getAttribute('href')).toBe('/lightning/r/Contact/003000000000001AAA/view');
    expect(ada.querySelector('lightning-button.create-lead')).toBeNull();
    const linus = rowFor(ready, 'Linus Lead');
    expect(linus.querySelector('.att-status').textContent).toBe('c.Sightline_Known_Lead');
    expect(linus.querySelector('a.att-name').getAttribute('href')).toBe('/lightning/r/Lead/00Q000000000009AAA/view');
    const grace = rowFor(ready, 'Grace Brewster Hopper');
    expect(grace.querySelector('.att-status').textContent).toBe('c.Sightline_Unknown');
    expect(grace.querySelector('.att-phone').textContent).toBe('555-0100'); // from the older row
    expect(grace.querySelector('lightning-button.create-lead')).not.toBeNull();
    const anon = rowFor(ready, 'Anonymous Guest');
    expect(anon.querySelector('lightning-button.create-lead')).toBeNull();
    expect(anon.querySelector('.no-email').textContent).toBe('c.Sightline_No_Email');
  });

  it('looks up exactly the attendees emails, lower-cased, for matching', async () => {
    await mount();
    const config = graphql.getLastConfig();
    expect(config.variables).toEqual({
      emails: ['ada@customer.example', 'grace@navy.example', 'linus@known-lead.example'],
    });
    expect(config.query).toContain('IsConverted: { eq: false }');
  });

  it('creates one Lead for an unknown attendee and links their attendee rows to it', async () => {
    createRecord.mockResolvedValue({ id: '00Q000000000777AAA' });
    updateRecord.mockResolvedValue({});
    const refreshMatches = jest.fn().mockResolvedValue();
    const el = await mount({ refreshMatches });
    const toasts = jest.fn();
    el.addEventListener('lightning__showtoast', toasts);
    const button = rowFor(el, 'Grace Brewster Hopper').querySelector('lightning-button.create-lead');
    button.click();
    button.click(); // a double click must not create two
    await flush();

    expect(refreshMatches).toHaveBeenCalled(); // checked against fresh data first
    expect(createRecord).toHaveBeenCalledTimes(1);
    expect(createRecord).toHaveBeenCalledWith({
      apiName: 'Lead',
      fields: {
        FirstName: 'Grace Brewster',
        LastName: 'Hopper',
        Email: 'grace@navy.example',
        Phone: '555-0100',
        Company: 'c.Sightline_Unknown_Company', // the label, "[not provided]": never the email domain
        LeadSource: 'Screen Share',
      },
    });
    expect(updateRecord.mock.calls.map(([r]) => r.fields)).toEqual([
      { Id: 'a00000000000002AAA', Lead__c: '00Q000000000777AAA' },
      { Id: 'a00000000000003AAA', Lead__c: '00Q000000000777AAA' },
    ]);
    const grace = rowFor(el, 'Grace Brewster Hopper');
    expect(grace.querySelector('.att-status').textContent).toBe('c.Sightline_Known_Lead');
    expect(grace.querySelector('lightning-button.create-lead')).toBeNull();
    expect(toasts.mock.calls[0][0].detail.variant).toBe('success');
  });

  it('refuses a duplicate when a Contact with that email appeared meanwhile', async () => {
    const refreshMatches = jest.fn(async () => {
      graphql.emit(matches([['003000000000555AAA', 'grace@navy.example']], [KNOWN_LEAD]), MATCH_OP, refreshMatches);
    });
    const el = await mount({ refreshMatches });
    rowFor(el, 'Grace Brewster Hopper').querySelector('lightning-button.create-lead').click();
    await flush();
    expect(createRecord).not.toHaveBeenCalled();
    expect(el.shadowRoot.querySelector('.notice').textContent).toBe('c.Sightline_Lead_Exists: grace@navy.example');
    expect(rowFor(el, 'Grace Brewster Hopper').querySelector('.att-status').textContent).toBe(
      'c.Sightline_Known_Contact',
    );
  });

  it('shows the error when the Lead cannot be created', async () => {
    createRecord.mockRejectedValue({ body: { message: 'Required fields are missing: [Company]' } });
    const el = await mount();
    rowFor(el, 'Grace Brewster Hopper').querySelector('lightning-button.create-lead').click();
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toContain('Required fields are missing: [Company]');
    expect(updateRecord).not.toHaveBeenCalled();
    const button = rowFor(el, 'Grace Brewster Hopper').querySelector('lightning-button.create-lead');
    expect(button.disabled).toBe(false); // can try again
  });

  it('hides Create Lead without Lead create access', async () => {
    const el = await mount({ createable: false });
    expect(el.shadowRoot.querySelector('lightning-button.create-lead')).toBeNull();
    expect(rowFor(el, 'Grace Brewster Hopper').querySelector('.att-status').textContent).toBe('c.Sightline_Unknown');
  });

  it('says so when nobody has joined', async () => {
    const el = createElement('c-sightline-attendees', { is: SightlineAttendees });
    el.recordId = CASE_ID;
    document.body.appendChild(el);
    await flush();
    graphql.emit({ uiapi: { query: { Sightline_Attendee__c: { edges: [] } } } }, ATTENDEE_OP);
    await flush();
    expect(el.shadowRoot.querySelector('.empty').textContent).toBe('c.Sightline_Attendees_Empty');
    expect(graphql.getLastConfig().query).toBeUndefined(); // no emails, no match query
  });

  it('shows GraphQL errors', async () => {
    const el = createElement('c-sightline-attendees', { is: SightlineAttendees });
    el.recordId = CASE_ID;
    document.body.appendChild(el);
    await flush();
    graphql.emitErrors([{ message: 'Invalid field Email__c' }], ATTENDEE_OP);
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toContain('Invalid field Email__c');
    expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
  });
});
