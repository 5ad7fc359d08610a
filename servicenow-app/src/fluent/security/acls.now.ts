// Recordings and session notes are evidence: only Sightline roles read them, only managers delete them.
// Deny-unless ACLs, scripted so that they only bite on Sightline's own attachments (file name prefix).
import { Acl } from '@servicenow/sdk/core';
import { AGENT_ROLE, MANAGER_ROLE } from './roles.now';

const isRecording = "String(current.getValue('file_name') || '').indexOf('sightline-') === 0";

Acl({
  $id: Now.ID['acl-recording-read'],
  type: 'record',
  table: 'sys_attachment',
  operation: 'read',
  decisionType: 'deny',
  adminOverrides: true,
  script: `answer = !(${isRecording}) || gs.hasRole('${AGENT_ROLE}') || gs.hasRole('${MANAGER_ROLE}');`,
  description: 'Sightline recordings (sightline-*) are readable by x_sightline_share.agent and .manager only.',
});

Acl({
  $id: Now.ID['acl-recording-delete'],
  type: 'record',
  table: 'sys_attachment',
  operation: 'delete',
  decisionType: 'deny',
  adminOverrides: true,
  script: `answer = !(${isRecording}) || gs.hasRole('${MANAGER_ROLE}');`,
  description: 'Only x_sightline_share.manager deletes Sightline recordings.',
});
