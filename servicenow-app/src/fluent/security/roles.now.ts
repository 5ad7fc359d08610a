// Who may use Sightline on this instance: agents start sessions, managers review recordings,
// supervisors watch and take over their groups' sessions.
import { Role } from '@servicenow/sdk/core';

export const AGENT_ROLE = 'x_sightline_share.agent';
export const MANAGER_ROLE = 'x_sightline_share.manager';
export const SUPERVISOR_ROLE = 'x_sightline_share.supervisor';

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

/** The relay lets a holder watch, take over or end the sessions hosted by members of the groups they manage. */
export const supervisorRole = Role({
  name: SUPERVISOR_ROLE,
  description:
    'Supervises Sightline sessions: watches, takes over or ends the live sessions of the members of the groups the user manages (sys_user_group.manager).',
});
