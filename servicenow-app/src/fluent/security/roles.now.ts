// Who may use Sightline on this instance: agents start sessions, managers review recordings.
import { Role } from '@servicenow/sdk/core';

export const AGENT_ROLE = 'x_sightline_share.agent';
export const MANAGER_ROLE = 'x_sightline_share.manager';

export const agentRole = Role({
  name: AGENT_ROLE,
  description:
    'Starts Sightline screen-share sessions on incidents and cases, invites callers, sees recordings and attendees.',
});

export const managerRole = Role({
  name: MANAGER_ROLE,
  description:
    'Reviews Sightline recordings, session logs and attendees; may delete recordings. Contains the agent role.',
  containsRoles: [agentRole],
});
