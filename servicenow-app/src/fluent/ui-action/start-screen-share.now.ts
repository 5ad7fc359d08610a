// Form button on the incident: creates the agent's session on the relay and opens its console.
// The relay URL reaches the browser through g_scratchpad, set by a display business rule.
import { BusinessRule, UiAction } from '@servicenow/sdk/core';
import { agentRole } from '../security/roles.now';

UiAction({
  $id: Now.ID['ui-action-start-screen-share'],
  table: 'incident',
  name: 'Start Screen Share',
  actionName: 'x_sightline_share_start',
  hint: 'Open the Sightline agent console for this incident and start a screen-share session',
  active: true,
  showInsert: false,
  showUpdate: true,
  condition: "!current.isNewRecord() && gs.hasRole('x_sightline_share.agent')",
  roles: [agentRole],
  form: { showButton: true, showLink: false, showContextMenu: false, style: 'primary' },
  client: {
    isClient: true,
    isUi11Compatible: true,
    isUi16Compatible: true,
    onClick: 'sightlineStartScreenShare()',
  },
  script: Now.include('./start-screen-share.client.js'),
  order: 200,
});

BusinessRule({
  $id: Now.ID['br-relay-url-scratchpad'],
  name: 'Sightline: relay URL to g_scratchpad',
  table: 'incident',
  when: 'display',
  active: true,
  condition: "gs.hasRole('x_sightline_share.agent')",
  script: Now.include('./relay-url-scratchpad.server.js'),
  description: 'Gives the Start Screen Share UI action the relay URL (x_sightline_share.relay_url).',
});
