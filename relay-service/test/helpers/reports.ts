// SessionReports as the registry emits them, for driving the write-back directly.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Recording } from '../../src/recording/Recorder.ts';
import { RecordingFile } from '../../src/recording/RecordingFile.ts';
import { policySchema, type Policy } from '@sightline/config';
import { DEMO } from '@sightline/crm-sandbox';
import type { AgentIdentity, Attendee, SessionReport } from '../../src/sessions/types.ts';

const agentOf = (crm: AgentIdentity['crm']): AgentIdentity => {
  const u = DEMO[crm].users.agent;
  return { crm, userId: u.id, username: u.username, displayName: u.name };
};
/** The sandbox's demo agent on each CRM, as the relay knows them after sign-in. */
export const SF_AGENT = agentOf('salesforce');
export const SN_AGENT = agentOf('servicenow');

export function guest(name: string | undefined, email: string | undefined, phone?: string): Attendee {
  return {
    participantId: `p_${randomBytes(6).toString('hex')}`,
    role: 'guest',
    displayName: name ?? 'Guest',
    contact: { ...(name ? { name } : {}), ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
    joinedAt: '2026-11-21T09:01:00.000Z',
    leftAt: '2026-11-21T09:13:00.000Z',
  };
}

export function report(
  host: AgentIdentity,
  record: SessionReport['record'],
  {
    attendees = [],
    policy = {},
    recording = null,
  }: { attendees?: Attendee[]; policy?: Partial<Policy>; recording?: SessionReport['recording'] } = {},
): SessionReport {
  const hostAttendee: Attendee = {
    participantId: 'p_host',
    role: 'host',
    displayName: host.displayName,
    contact: {},
    agent: host,
    joinedAt: '2026-11-21T09:00:00.000Z',
    leftAt: '2026-11-21T09:14:00.000Z',
  };
  return {
    sessionId: `s_${randomBytes(12).toString('base64url')}`,
    record,
    host,
    policy: policySchema.parse(policy),
    startedAt: '2026-11-21T09:00:00.000Z',
    endedAt: '2026-11-21T09:14:05.000Z',
    endReason: 'host_ended',
    durationSeconds: 845,
    attendees: [hostAttendee, ...attendees],
    log: [
      { at: '2026-11-21T09:00:00.000Z', actor: host.displayName, kind: 'created', text: 'started the session' },
      { at: '2026-11-21T09:01:00.000Z', actor: 'Nina New', kind: 'joined', text: 'joined' },
      { at: '2026-11-21T09:02:00.000Z', actor: 'Nina New', kind: 'consent', text: 'allowed viewing' },
    ],
    recording,
  };
}

/** A finished recording of `size` random bytes, held in memory (within the memory bound: it never spills). */
export const webm = (size = 4096): Recording => {
  const file = new RecordingFile({ memoryBytes: 1 << 30, spillDir: join(tmpdir(), 'sightline-unused-spill') });
  // In memory mode a write lands before write() first awaits: the file is complete on return.
  void file.write(0, randomBytes(size));
  return { file, size, mimeType: 'video/webm', fileName: 'sightline-482913.webm', durationMs: 61_000 };
};
