import { createElement } from 'lwc';
import Deliveries from 'sl/deliveries';
import { deliveries } from '../../../../lib/api.js';

jest.mock('../../../../lib/api.js', () => ({ deliveries: jest.fn() }));

const flush = async () => {
  // eslint-disable-next-line no-await-in-loop, @lwc/lwc/no-async-operation
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
};

function mount(props) {
  const el = createElement('sl-deliveries', { is: Deliveries });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

describe('sl-deliveries', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it("lists undelivered records with their reasons, this session's first", async () => {
    deliveries.mockResolvedValue({
      awaitingSignIn: 0,
      failed: [
        {
          sessionId: 's_old',
          crm: 'servicenow',
          recordId: 'a'.repeat(32),
          what: 'work_note',
          reason: 'the session log could not be written: the record no longer exists',
          since: '2026-11-20T10:00:00.000Z',
        },
        {
          sessionId: 's_now',
          crm: 'servicenow',
          recordId: 'a'.repeat(32),
          what: 'attachment',
          reason: 'the recording could not be attached: the file is larger than the CRM allows',
          since: '2026-11-21T10:00:00.000Z',
        },
      ],
    });
    const el = mount({ sessionId: 's_now', crm: 'servicenow' });
    await flush();
    const items = [...el.shadowRoot.querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toHaveLength(2);
    expect(items[0]).toBe(
      'Recording of this session: the recording could not be attached: the file is larger than the CRM allows',
    );
    expect(items[1]).toContain('the record no longer exists');
    expect(el.shadowRoot.querySelector('[data-id="ok"]')).toBeNull();
  });

  it('says what waits for a new sign-in, with the way to sign in', async () => {
    deliveries.mockResolvedValue({ awaitingSignIn: 2, failed: [] });
    const el = mount({ sessionId: 's_now', crm: 'salesforce' });
    await flush();
    const waiting = el.shadowRoot.querySelector('[data-id="waiting"]');
    expect(waiting.textContent).toContain('2 session records wait until you sign in to the CRM again');
    expect(waiting.querySelector('a').getAttribute('href')).toMatch(/^\/auth\/salesforce\?returnTo=/);
  });

  it('says nothing waits when all is delivered, and shows an error in plain words', async () => {
    deliveries.mockResolvedValue({ awaitingSignIn: 0, failed: [] });
    const ok = mount({ sessionId: 's_now' });
    await flush();
    expect(ok.shadowRoot.querySelector('[data-id="ok"]')).not.toBeNull();
    deliveries.mockRejectedValue(new Error('The connection to the server failed.'));
    const bad = mount({ sessionId: 's_now' });
    await flush();
    expect(bad.shadowRoot.querySelector('[role="alert"]').textContent).toBe('The connection to the server failed.');
  });
});
