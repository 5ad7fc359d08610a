// Join page entry: mounts the customer's app; the link token (if any) comes from the page.
import '../lib/zodConfig.js';
import { createElement } from 'lwc';
import JoinApp from 'sl/joinApp';

// The page shell (not a component) owns #app, so a document-level query is right here.
// eslint-disable-next-line @lwc/lwc/no-document-query
const mount = document.getElementById('app');
const app = createElement('sl-join-app', { is: JoinApp });
app.token = mount.dataset.token || '';
mount.replaceChildren(app);
