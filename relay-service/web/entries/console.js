// Agent console entry: mounts the console for the session named in the page.
import '../lib/zodConfig.js';
import { createElement } from 'lwc';
import ConsoleApp from 'sl/consoleApp';
import { takeInvitation } from '../lib/invitation.js';

// The page shell (not a component) owns #app, so a document-level query is right here.
// eslint-disable-next-line @lwc/lwc/no-document-query
const mount = document.getElementById('app');
const app = createElement('sl-console-app', { is: ConsoleApp });
app.sessionId = mount.dataset.sessionId;
app.crm = mount.dataset.crm || '';
app.invitation = takeInvitation(app.sessionId, window.location, window.history, window.sessionStorage);
mount.replaceChildren(app);
