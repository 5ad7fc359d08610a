import { createElement } from 'lwc';
import DesktopOffer from 'sl/desktopOffer';

// eslint-disable-next-line @lwc/lwc/no-async-operation -- lets the fetch promise chain settle
const flush = () => new Promise((r) => setTimeout(r, 0));

function mount(props) {
  const el = createElement('sl-desktop-offer', { is: DesktopOffer });
  Object.assign(el, props);
  document.body.appendChild(el);
  return el;
}

describe('sl-desktop-offer', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    delete global.fetch;
  });

  it('asks the relay for a hand-off code for this session and opens the sightline:// link', async () => {
    const code = 'c'.repeat(32);
    const appUrl = `sightline://join?relay=http%3A%2F%2F127.0.0.1%3A8080&code=${code}`;
    global.fetch = jest.fn(async () => ({
      ok: true,
      status: 201,
      headers: new Map(),
      json: async () => ({
        code,
        expiresAt: new Date().toISOString(),
        appUrl,
        downloadUrl: 'http://127.0.0.1:8080/download',
      }),
    }));
    const opened = [];
    const el = mount({ keyOrToken: { token: 't'.repeat(32) }, openLink: (u) => opened.push(u) });
    expect(el.shadowRoot.textContent).toContain('Let the agent see your whole screen or control it');
    el.shadowRoot.querySelector('button').click();
    await flush();
    await flush();
    const [path, init] = global.fetch.mock.calls[0];
    expect(path).toBe('/api/desktop/handoff');
    expect(JSON.parse(init.body)).toEqual({ token: 't'.repeat(32) });
    expect(opened).toEqual([appUrl]);
    expect(el.shadowRoot.querySelector('a').getAttribute('href')).toBe('http://127.0.0.1:8080/download');
  });

  it('shows the relay’s message when no code can be made', async () => {
    global.fetch = jest.fn(async () => ({
      ok: false,
      status: 404,
      headers: new Map(),
      json: async () => ({ error: 'not_found', message: 'this link has expired or the session has ended' }),
    }));
    const el = mount({ keyOrToken: { key: '123456' }, openLink: () => {} });
    el.shadowRoot.querySelector('button').click();
    await flush();
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('this link has expired or the session has ended');
  });
});
