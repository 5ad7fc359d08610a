import { createElement } from 'lwc';
import SightlineLauncher from 'c/sightlineLauncher';
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

describe('c-sightline-launcher without the agent permission', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    delete global.fetch;
  });

  it('explains the missing permission and never calls the relay', async () => {
    global.fetch = jest.fn();
    const el = createElement('c-sightline-launcher', { is: SightlineLauncher });
    el.recordId = '500000000000001AAA';
    document.body.appendChild(el);
    getSettings.emit({ relayUrl: 'https://relay.test' });
    await Promise.resolve();
    await Promise.resolve();
    expect(el.shadowRoot.querySelector('.no-permission').textContent).toBe('c.Sightline_No_Agent_Permission');
    expect(el.shadowRoot.querySelector('lightning-button')).toBeNull();
    expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    expect(global.fetch).not.toHaveBeenCalled();
  });
});
