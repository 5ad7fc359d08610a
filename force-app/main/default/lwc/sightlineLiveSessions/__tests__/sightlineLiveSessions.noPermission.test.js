import { createElement } from 'lwc';
import SightlineLiveSessions from 'c/sightlineLiveSessions';
import getSettings from '@salesforce/apex/SightlineSettingsController.getSettings';

// A user without the Sightline Agent permission set.
jest.mock('@salesforce/customPermission/Sightline_Start_Sessions', () => ({ default: false }), { virtual: true });
jest.mock(
  '@salesforce/apex/SightlineSettingsController.getSettings',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);

describe('c-sightline-live-sessions without the agent permission', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    delete global.fetch;
  });

  it('explains the missing permission and never calls the relay', async () => {
    global.fetch = jest.fn();
    window.localStorage.setItem('sightline.relay:https://relay.test', JSON.stringify({ refreshToken: 'slrt_0' }));
    const el = createElement('c-sightline-live-sessions', { is: SightlineLiveSessions });
    document.body.appendChild(el);
    getSettings.emit({ relayUrl: 'https://relay.test' });
    await Promise.resolve();
    await Promise.resolve();
    expect(el.shadowRoot.querySelector('.no-permission').textContent).toBe('c.Sightline_No_Agent_Permission');
    expect(el.shadowRoot.querySelector('li')).toBeNull();
    expect(global.fetch).not.toHaveBeenCalled();
    window.localStorage.clear();
  });
});
