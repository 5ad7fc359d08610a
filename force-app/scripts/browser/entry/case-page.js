// Sandbox entry: mounts the three Sightline components into the case page's #sightline-mount, as
// Lightning would place them on the Case record page, the live-sessions list in a utility bar along
// the bottom of the page, as the Service Console shows it, and shows their toasts.
// Lightning runs components under synthetic shadow: the record page's SLDS stylesheet styles the
// base components' insides. Imported first, before any component is created.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import SightlineLauncher from 'c/sightlineLauncher';
import SightlineRecordings from 'c/sightlineRecordings';
import SightlineAttendees from 'c/sightlineAttendees';
import SightlineLiveSessions from 'c/sightlineLiveSessions';
import { mountInfo } from '../lib/mount.js';

const info = mountInfo();
for (const [tag, Ctor] of [
  ['c-sightline-launcher', SightlineLauncher],
  ['c-sightline-recordings', SightlineRecordings],
  ['c-sightline-attendees', SightlineAttendees],
]) {
  const el = createElement(tag, { is: Ctor });
  el.recordId = info.recordId;
  info.el.appendChild(el);
}

// The page entry, not a component: it builds the host page's utility bar.
const utilityBar = document.createElement('aside');
utilityBar.className = 'sandbox-utility-bar';
utilityBar.setAttribute('aria-label', 'Utility bar');
utilityBar.appendChild(createElement('c-sightline-live-sessions', { is: SightlineLiveSessions }));
info.el.appendChild(utilityBar);

const toasts = document.createElement('div');
toasts.className = 'sightline-toasts';
toasts.setAttribute('role', 'status');
info.el.appendChild(toasts);
info.el.addEventListener('lightning__showtoast', (event) => {
  const { title, message, variant } = event.detail || {};
  const p = document.createElement('p');
  p.className = `sightline-toast sightline-toast-${variant || 'info'}`;
  p.textContent = message ? `${title}: ${message}` : String(title);
  toasts.appendChild(p);
  // eslint-disable-next-line @lwc/lwc/no-async-operation -- toasts fade like Lightning's
  setTimeout(() => p.remove(), 8000);
});
