import { LightningElement, api } from 'lwc';

/**
 * A list of messages with a box to write one (used for chat and for the agent's private notes).
 * Fires `send` with `{text}`; Enter sends, Shift+Enter starts a new line.
 */
export default class ChatPanel extends LightningElement {
  /** `[{id, fromName, text, mine, at?}]`, oldest first; `at` (ISO time) is shown as the time of day. */
  @api messages = [];
  @api heading = 'Chat';
  @api emptyText = 'No messages yet.';
  @api placeholder = 'Write a message';
  @api buttonLabel = 'Send';
  @api disabled = false;
  @api maxLength = 2000;

  draft = '';
  error = '';

  get inputLabel() {
    return this.placeholder;
  }

  get items() {
    return (this.messages || []).map((m) => ({ ...m, cssClass: m.mine ? 'mine' : 'theirs', time: timeOfDay(m.at) }));
  }

  get empty() {
    return !this.messages || this.messages.length === 0;
  }

  renderedCallback() {
    const list = this.refs.list;
    if (list) list.scrollTop = list.scrollHeight;
  }

  handleInput(event) {
    this.draft = event.target.value;
    this.error = '';
  }

  handleKeyDown(event) {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      this.submit();
    }
  }

  handleSubmit(event) {
    event.preventDefault();
    this.submit();
  }

  submit() {
    const text = this.draft.trim();
    if (!text) {
      this.error = 'Write something first.';
      return;
    }
    if (text.length > this.maxLength) {
      this.error = `Please keep it under ${this.maxLength} characters.`;
      return;
    }
    this.dispatchEvent(new CustomEvent('send', { detail: { text } }));
    this.draft = '';
    this.refs.input.value = '';
  }
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "14:05" in the reader's locale and zone; '' when the message has no valid time. */
function timeOfDay(at) {
  const date = at ? new Date(at) : null;
  return date && !Number.isNaN(date.getTime()) ? TIME.format(date) : '';
}
