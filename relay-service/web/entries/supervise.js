// Supervisor entry: the live sessions of the signed-in supervisor's team.
import '../lib/zodConfig.js';
import { createElement } from 'lwc';
import TeamSessions from 'sl/teamSessions';

// The page shell (not a component) owns #app, so a document-level query is right here.
// eslint-disable-next-line @lwc/lwc/no-document-query
const mount = document.getElementById('app');
const app = createElement('sl-team-sessions', { is: TeamSessions });
app.crm = mount.dataset.crm || '';
mount.replaceChildren(app);
