import { LightningElement, api } from 'lwc';
import { keyInput, pointerInput, MOVE_INTERVAL_MS } from '../../../lib/remoteInput.js';

/**
 * The customer's screen on a canvas (the console's decoder paints into it), fit to the space or
 * at actual size, with full screen. Mouse moves over it fire `pointer` with `{x, y, visible}`
 * (fractions of the picture) so the customer sees where the agent points.
 */
export default class ScreenView extends LightningElement {
  /** True while the presenter's stream is running. */
  @api live = false;
  @api waitingText = 'Waiting for the customer to share their screen…';
  @api width = 0;
  @api height = 0;
  /** The agent controls the customer's screen: mouse and keys over the picture fire `remoteinput`. */
  @api control = false;
  /** Whose screen this is, for assistive technology (the join page shows an agent's). */
  @api label = 'Customer screen';
  @api canvasLabel = "The customer's shared screen";

  mode = 'fit';
  lastMove = 0;

  /** @returns {HTMLCanvasElement} the canvas the decoder paints into */
  @api
  getCanvas() {
    return this.refs.canvas;
  }

  get waiting() {
    return !this.live;
  }
  get stageClass() {
    return `stage ${this.mode}`;
  }
  get sizeLabel() {
    return this.mode === 'fit' ? 'Actual size' : 'Fit to window';
  }
  get actualPressed() {
    return this.mode === 'actual' ? 'true' : 'false';
  }
  get sizeText() {
    return this.width && this.height ? `${this.width} × ${this.height}` : '';
  }

  handleToggleSize() {
    this.mode = this.mode === 'fit' ? 'actual' : 'fit';
  }

  handleFullScreen() {
    const el = this.refs.container;
    if (document.fullscreenElement) document.exitFullscreen();
    else if (el.requestFullscreen) el.requestFullscreen().catch(() => {});
  }

  handleMove(event) {
    const rect = this.refs.canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const x = (event.clientX - rect.left) / rect.width;
    const y = (event.clientY - rect.top) / rect.height;
    this.dispatchEvent(new CustomEvent('pointer', { detail: { x: clamp(x), y: clamp(y), visible: true } }));
    if (this.control && event.timeStamp - this.lastMove >= MOVE_INTERVAL_MS) {
      this.lastMove = event.timeStamp;
      this.remote(pointerInput('move', event, rect));
    }
  }

  get canvasTabIndex() {
    return this.control ? '0' : '-1';
  }

  remote(input, event) {
    if (!this.control || !input) return;
    event?.preventDefault();
    this.dispatchEvent(new CustomEvent('remoteinput', { detail: input }));
  }

  handleDown(event) {
    if (this.control) this.refs.canvas.focus();
    this.remote(pointerInput('down', event, this.refs.canvas.getBoundingClientRect()), event);
  }

  handleUp(event) {
    this.remote(pointerInput('up', event, this.refs.canvas.getBoundingClientRect()), event);
  }

  handleWheel(event) {
    this.remote(pointerInput('wheel', event, this.refs.canvas.getBoundingClientRect()), event);
  }

  handleKeyDown(event) {
    this.remote(keyInput('down', event), event);
  }

  handleKeyUp(event) {
    this.remote(keyInput('up', event), event);
  }

  handleContextMenu(event) {
    if (this.control) event.preventDefault(); // the right button goes to the customer's screen
  }

  handleLeave() {
    this.dispatchEvent(new CustomEvent('pointer', { detail: { x: 0, y: 0, visible: false } }));
  }
}

function clamp(v) {
  return Math.min(1, Math.max(0, v));
}
