// Service Portal widget for an incident or a CSM case: start a session, its key, link and status,
// the invite email, the recordings attached to the record and the attendees from the app's attendee table.
// Open it with ?id=<page>&table=incident&sys_id=<sys_id> or set the table/sys_id options.
import { SPWidget } from '@servicenow/sdk/core';
import { agentRole, managerRole } from '../security/roles.now';

export const screenShareWidget = SPWidget({
  $id: Now.ID['sp-widget-screen-share'],
  id: 'x_sightline_share_screen_share',
  name: 'Sightline Screen Share',
  description:
    'Start a Sightline screen-share session on this record, invite the caller, play recordings, see attendees.',
  category: 'custom',
  controllerAs: 'c',
  roles: [agentRole, managerRole],
  htmlTemplate: Now.include('./template.html'),
  clientScript: Now.include('./client_script.js'),
  serverScript: Now.include('./server_script.js'),
  customCss: Now.include('./style.scss'),
  hasPreview: false,
  optionSchema: [
    {
      name: 'table',
      label: 'Table (incident or sn_customerservice_case)',
      section: 'Data',
      type: 'string',
      defaultValue: 'incident',
    },
    { name: 'sys_id', label: 'Record sys_id (default: the sys_id URL parameter)', section: 'Data', type: 'string' },
    { name: 'show_recordings', label: 'Show recordings', section: 'Presentation', type: 'boolean', defaultValue: true },
    { name: 'show_attendees', label: 'Show attendees', section: 'Presentation', type: 'boolean', defaultValue: true },
    {
      name: 'poll_seconds',
      label: 'Status refresh interval (seconds)',
      section: 'Behavior',
      type: 'integer',
      defaultValue: 3,
      hint: '1 to 60',
    },
  ],
  demoData: {
    data: {
      canStart: true,
      canReview: true,
      relayUrl: 'https://relay.example.com',
      recordingPolicy: 'host',
      record: {
        table: 'incident',
        sys_id: '0123456789abcdef0123456789abcdef',
        number: 'INC0010001',
        shortDescription: 'VPN drops',
        contactEmail: 'jane.customer@example.com',
      },
      recordings: [],
      sessions: [],
    },
  },
});
