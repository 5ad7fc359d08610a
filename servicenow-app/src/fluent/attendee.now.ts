// One row per person who joined a session, written by the relay's write-back (found again by
// attendee_key, so a retry writes no second row). The widget reads these rows, so the work note stays
// text for people. The session's facts are repeated on each of its rows: no second table to join.
import { Acl, DateTimeColumn, EmailColumn, ReferenceColumn, StringColumn, Table } from '@servicenow/sdk/core';
import { agentRole, managerRole } from './security/roles.now';

export const x_sightline_share_attendee = Table({
  name: 'x_sightline_share_attendee',
  label: 'Sightline Attendee',
  display: 'name',
  accessibleFrom: 'package_private',
  allowWebServiceAccess: true,
  schema: {
    attendee_key: StringColumn({ label: 'Attendee key', maxLength: 200, mandatory: true }),
    session_id: StringColumn({ label: 'Session', maxLength: 100, mandatory: true }),
    incident: ReferenceColumn({ label: 'Incident', referenceTable: 'incident', mandatory: true }),
    name: StringColumn({ label: 'Name', maxLength: 120 }),
    email: EmailColumn({ label: 'Email', maxLength: 254 }),
    phone: StringColumn({ label: 'Phone', maxLength: 40 }),
    role: StringColumn({
      label: 'Role',
      maxLength: 10,
      choices: { host: 'Host', agent: 'Agent', guest: 'Guest' },
    }),
    joined_at: DateTimeColumn({ label: 'Joined' }),
    left_at: DateTimeColumn({ label: 'Left' }),
    session_started: DateTimeColumn({ label: 'Session started' }),
    session_ended: DateTimeColumn({ label: 'Session ended' }),
    end_reason: StringColumn({ label: 'End reason', maxLength: 40 }),
    recording: StringColumn({ label: 'Recording file', maxLength: 255 }),
  },
  index: [
    { name: 'attendee_key', unique: true, element: 'attendee_key' },
    { name: 'incident_session', unique: false, element: ['incident', 'session_id'] },
  ],
});

// Attendees' contact details are personal data: Sightline roles read them, agents (the relay acts as
// the host agent) create them, nobody edits them, managers delete them.
Acl({
  $id: Now.ID['acl-attendee-read'],
  type: 'record',
  table: 'x_sightline_share_attendee',
  operation: 'read',
  roles: [agentRole, managerRole],
  description: 'Sightline attendees are readable by x_sightline_share.agent and .manager.',
});

Acl({
  $id: Now.ID['acl-attendee-create'],
  type: 'record',
  table: 'x_sightline_share_attendee',
  operation: 'create',
  roles: [agentRole],
  description: "The relay writes a session's attendees as its host agent.",
});

Acl({
  $id: Now.ID['acl-attendee-delete'],
  type: 'record',
  table: 'x_sightline_share_attendee',
  operation: 'delete',
  roles: [managerRole],
  description: 'Only x_sightline_share.manager deletes Sightline attendee rows.',
});
