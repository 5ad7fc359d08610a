import { createElement } from 'lwc';
import SightlineRecordings from 'c/sightlineRecordings';
import { graphql, forOperation } from 'lightning/graphql';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';

jest.mock('@salesforce/customPermission/Sightline_View_Recordings', () => ({ default: true }), { virtual: true });

const RECORDINGS = require('./data/recordings.json');
const FILE_LINKS = require('./data/fileLinks.json');
const NO_LINKS = { ...FILE_LINKS, count: 0, records: [] };
const EMPTY = {
  uiapi: { query: { ContentVersion: { edges: [] }, Task: { edges: [] }, Sightline_Attendee__c: { edges: [] } } },
};
const CASE_ID = '500000000000001AAA';
const RECORDINGS_OP = forOperation('sightlineRecordings');
const ATTENDEES_OP = forOperation('sightlineRecordingAttendees');

// Lets wire emissions, promise chains and re-renders settle (a few microtask turns).
const flush = () => Array.from({ length: 3 }).reduce((p) => p.then(() => undefined), Promise.resolve());

async function mount() {
  const el = createElement('c-sightline-recordings', { is: SightlineRecordings });
  el.recordId = CASE_ID;
  document.body.appendChild(el);
  await flush(); // the wires receive their config after connect
  return el;
}
const $$ = (el, sel) => [...el.shadowRoot.querySelectorAll(sel)];

describe('c-sightline-recordings', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it("lists the case's files through the related list, then reads their versions by id", async () => {
    const el = await mount();
    await flush();
    expect(el.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
    expect(getRelatedListRecords.getLastConfig()).toEqual({
      parentRecordId: CASE_ID,
      relatedListId: 'ContentDocumentLinks',
      fields: ['ContentDocumentLink.Id', 'ContentDocumentLink.ContentDocument.LatestPublishedVersionId'],
      pageSize: 200,
    });
    const queries = () => [...graphql._wireInstances].map((w) => w.getConfig()).filter((c) => c.query);
    // No version query before the related list answers: without ids it would miss shared files.
    expect(queries().find(RECORDINGS_OP)).toBeUndefined();
    getRelatedListRecords.emit(FILE_LINKS);
    await flush();
    const recordings = queries().find(RECORDINGS_OP);
    expect(recordings.variables).toEqual({
      recordId: CASE_ID,
      versionIds: ['068000000000001AAA', '068000000000002AAA'],
    });
    expect(recordings.query).toContain('Id: { in: $versionIds }');
    expect(recordings.query).toContain('Sightline_Session_Id__c: { ne: null }');
    expect(recordings.query).not.toContain('FirstPublishLocationId');
    expect(queries().find(ATTENDEES_OP).query).toContain('Case__c: { eq: $recordId }');
  });

  it('lists recordings newest first, playable in place, with agent, attendees, duration and log', async () => {
    const el = await mount();
    getRelatedListRecords.emit(FILE_LINKS);
    await flush();
    graphql.emit(RECORDINGS, RECORDINGS_OP);
    graphql.emit(RECORDINGS, ATTENDEES_OP);
    await flush();
    expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    const items = $$(el, 'li.recording');
    expect(items).toHaveLength(2);
    const text = (li, sel) => li.querySelector(sel).textContent;
    expect(text(items[0], '.rec-title')).toBe('Screen share 00001001 2026-11-21');
    expect(text(items[0], '.rec-duration')).toBe('1:02:03');
    // The label and the value are two words ("Duration 1:02:03", not "Duration1:02:03").
    expect(items[0].textContent).toMatch(/c\.Sightline_Duration\s1:02:03/);
    expect(text(items[0], '.rec-agent')).toBe('Sam Support');
    expect(text(items[0], '.rec-attendees')).toBe('c.Sightline_None');
    expect(text(items[0], '.rec-log')).toBe('c.Sightline_No_Log');
    expect(text(items[1], '.rec-duration')).toBe('12:34');
    expect(text(items[1], '.rec-agent')).toBe('Alex Agent');
    expect(text(items[1], '.rec-attendees')).toBe('Ada Byron, Grace Hopper');
    expect(text(items[1], '.rec-log')).toContain('Ada Byron joined');
    const videos = $$(el, 'video.rec-video');
    expect(videos.map((v) => v.getAttribute('src'))).toEqual([
      '/sfc/servlet.shepherd/version/download/068000000000002AAA',
      '/sfc/servlet.shepherd/version/download/068000000000001AAA',
    ]);
    expect(videos[0].hasAttribute('controls')).toBe(true);
    expect(text(items[0], '.rec-date')).not.toBe('');
  });

  it('says so when no file is attached', async () => {
    const el = await mount();
    getRelatedListRecords.emit(NO_LINKS);
    await flush();
    expect(el.shadowRoot.querySelector('.empty').textContent).toBe('c.Sightline_Recordings_Empty');
    expect([...graphql._wireInstances].some((w) => RECORDINGS_OP(w.getConfig()))).toBe(false);
  });

  it('says so when no attached file is a recording', async () => {
    const el = await mount();
    getRelatedListRecords.emit(FILE_LINKS);
    await flush();
    graphql.emit(EMPTY, RECORDINGS_OP);
    await flush();
    expect(el.shadowRoot.querySelector('.empty').textContent).toBe('c.Sightline_Recordings_Empty');
    expect($$(el, 'li.recording')).toHaveLength(0);
  });

  it('shows related list errors', async () => {
    const el = await mount();
    getRelatedListRecords.error({ message: 'Related list ContentDocumentLinks is not supported' });
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toContain('ContentDocumentLinks is not supported');
    expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
  });

  it('shows GraphQL errors', async () => {
    const el = await mount();
    getRelatedListRecords.emit(FILE_LINKS);
    await flush();
    graphql.emitErrors([{ message: 'No such column Sightline_Session_Id__c' }], RECORDINGS_OP);
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toContain('No such column Sightline_Session_Id__c');
    expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
  });

  it('still lists recordings when the attendees cannot be read', async () => {
    const el = await mount();
    getRelatedListRecords.emit(FILE_LINKS);
    await flush();
    graphql.emit(RECORDINGS, RECORDINGS_OP);
    graphql.emitErrors([{ message: 'Sightline_Attendee__c is not supported' }], ATTENDEES_OP);
    await flush();
    const items = $$(el, 'li.recording');
    expect(items).toHaveLength(2);
    expect(items[1].querySelector('.rec-attendees').textContent).toBe('c.Sightline_Attendees_Unavailable');
    expect(el.shadowRoot.querySelector('.error')).toBeNull();
  });
});
