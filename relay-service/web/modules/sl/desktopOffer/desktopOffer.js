import { LightningElement, api } from 'lwc';
import { desktopHandOff } from '../../../lib/api.js';

/**
 * "Open the Sightline app": asks the relay for a one-time hand-off code for this session (never
 * putting the link token in the app link) and opens the sightline:// link; offers the download page
 * in case the app is not installed. Each click gets a fresh code.
 */
export default class DesktopOffer extends LightningElement {
  /** How the customer named the session: `{key}` or `{token}`. */
  @api keyOrToken;
  /** Opens the app link; replaceable in tests. */
  @api openLink = (url) => window.location.assign(url);

  busy = false;
  opened = false;
  error = '';
  downloadUrl = '/download';

  get buttonLabel() {
    return this.busy ? 'Opening…' : 'Open the Sightline app';
  }

  async handleOpen() {
    this.busy = true;
    this.error = '';
    try {
      const handOff = await desktopHandOff(this.keyOrToken);
      this.downloadUrl = handOff.downloadUrl;
      this.openLink(handOff.appUrl);
      this.opened = true;
    } catch (error) {
      this.error = /** @type {Error} */ (error).message;
    } finally {
      this.busy = false;
    }
  }
}
