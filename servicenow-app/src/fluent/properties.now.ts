// System properties the widget and the UI action read (gs.getProperty / g_scratchpad).
import { Property } from '@servicenow/sdk/core';
import { RELAY_URL } from './relay.now';
import { agentRole, managerRole } from './security/roles.now';

const access = { read: [agentRole, managerRole, 'admin'], write: ['admin'] };

Property({
  $id: Now.ID['prop-relay-url'],
  name: 'x_sightline_share.relay_url',
  type: 'string',
  value: RELAY_URL,
  description: 'Base URL of the Sightline relay (https in production). Change the OAuth redirect URL with it.',
  roles: access,
});

Property({
  $id: Now.ID['prop-recording'],
  name: 'x_sightline_share.recording',
  type: 'choicelist',
  choices: ['host', 'always', 'never'],
  value: 'host',
  description:
    "Recording policy for sessions started here: host (the agent ticks Record), always, or never. The relay's group policy still applies on top.",
  roles: access,
});

Property({
  $id: Now.ID['prop-attachment-url'],
  name: 'x_sightline_share.attachment_url',
  type: 'string',
  value: '/sys_attachment.do?sys_id={sys_id}',
  description: 'URL pattern the widget plays recordings from; {sys_id} is the attachment sys_id.',
  roles: access,
});
