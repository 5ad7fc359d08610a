import { createElement } from 'lwc';
import SightlineRecordings from 'c/sightlineRecordings';
import { graphql } from 'lightning/graphql';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';

// A user without the Sightline Manager permission set.
jest.mock('@salesforce/customPermission/Sightline_View_Recordings', () => ({ default: false }), { virtual: true });

describe('c-sightline-recordings without the manager permission', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('explains the missing permission and does not query', async () => {
    const el = createElement('c-sightline-recordings', { is: SightlineRecordings });
    el.recordId = '500000000000001AAA';
    document.body.appendChild(el);
    await Promise.resolve();
    expect(el.shadowRoot.querySelector('.no-permission').textContent).toBe('c.Sightline_No_Manager_Permission');
    expect([...graphql._wireInstances].some((w) => w.getConfig().query)).toBe(false);
    expect(getRelatedListRecords.getLastConfig().parentRecordId).toBeUndefined();
    expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    expect(el.shadowRoot.querySelector('li.recording')).toBeNull();
  });
});
