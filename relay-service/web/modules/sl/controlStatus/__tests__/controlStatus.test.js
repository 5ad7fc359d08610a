import { createElement } from 'lwc';
import ControlStatus from 'sl/controlStatus';

describe('sl-control-status', () => {
  it('says the customer keeps priority and hands control back', () => {
    const el = createElement('sl-control-status', { is: ControlStatus });
    document.body.appendChild(el);
    expect(el.shadowRoot.textContent).toContain('they keep priority');
    const handler = jest.fn();
    el.addEventListener('giveback', handler);
    el.shadowRoot.querySelector('button').click();
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
