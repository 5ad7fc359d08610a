// Keeps the journal in step with the registry by observing its events (the session itself knows
// nothing of it), and turns what a dead relay left in the journal into reports on the next start.
// A report reaches the outbox before its journal goes, so a crash between the two repeats the
// report, which the outbox ignores (one row per session and step): the CRM gets it exactly once.
import type { Logger } from 'pino';
import type { Session } from './Session.ts';
import type { SessionRegistry } from './SessionRegistry.ts';
import { reportOfLeftOver, type JournaledSession, type JournaledState, type SessionJournal } from './SessionJournal.ts';
import type { SessionReport } from './types.ts';

export interface JournalSessionsOptions {
  registry: SessionRegistry;
  journal: SessionJournal;
  /**
   * Makes the report durable (the write-back's accept); throws if it could not. In cluster mode it
   * first checks and marks, in Redis, that this node owns the session at the current epoch (async).
   */
  deliver: (report: SessionReport) => void | Promise<void>;
  logger: Logger;
}

const iso = (ms: number) => new Date(ms).toISOString();

function stateOf(s: Session, now: number, ticketDigest: (participantId: string) => string | undefined): JournaledState {
  return {
    sessionId: s.id,
    record: s.record,
    host: s.host,
    policy: s.policy,
    startedAt: iso(s.createdAt),
    participants: [...s.participants.values()].map((p) => ({
      participantId: p.id,
      role: p.role,
      displayName: p.displayName,
      contact: { ...p.contact },
      ...(p.agent ? { agent: p.agent } : {}),
      joinedAt: iso(p.joinedAt),
      leftAt: p.leftAt === null ? null : iso(p.leftAt),
      admitted: p.admitted,
      consentView: p.consentView,
      consentRecording: p.consentRecording,
      ticketDigest: ticketDigest(p.id),
    })),
    recording: s.snapshot().recording,
    live: { key: s.key, token: s.token, recordRequested: s.recordRequested },
    savedAt: iso(now),
  };
}

/** Subscribes the journal to the registry; call before any session is created. */
export function journalSessions({ registry, journal, deliver, logger }: JournalSessionsOptions): void {
  const log = logger.child({ component: 'journal' });
  // A failed journal write costs this session its crash safety, never the live session itself.
  const guarded = (what: string, sessionId: string, write: () => void) => {
    try {
      write();
    } catch (err) {
      log.error({ err, sessionId }, `could not journal the session (${what})`);
    }
  };
  const save = (id: string) => {
    const s = registry.session(id);
    if (s)
      guarded('state', id, () =>
        journal.save(stateOf(s, registry.clock.now(), (pid) => registry.ticketDigestOf(id, pid))),
      );
  };
  registry.on('created', ({ sessionId }) => save(sessionId));
  registry.on('ticket', ({ sessionId }) => save(sessionId));
  registry.on('changed', (snapshot) => save(snapshot.id));
  registry.on('logged', ({ sessionId, entry }) => guarded('log', sessionId, () => journal.append(sessionId, entry)));
  registry.on('ending', ({ sessionId, reason }) =>
    guarded('end', sessionId, () => journal.ending(sessionId, { reason, at: iso(registry.clock.now()) })),
  );
  registry.on('ended', (report) => {
    const removal = () => guarded('removal', report.sessionId, () => journal.remove(report.sessionId));
    const delivered = deliver(report);
    if (!delivered) return removal();
    delivered.then(removal, (err: unknown) =>
      log.error({ err, sessionId: report.sessionId }, 'could not hand the report to the write-back'),
    );
  });
}

/** Reports for the sessions a dead relay left in the journal; returns how many were handed over. */
export async function recoverLeftOver({
  journal,
  deliver,
  logger,
}: Omit<JournalSessionsOptions, 'registry'>): Promise<number> {
  const left = await journal.leftOver();
  for (const session of left) {
    await deliver(reportOfLeftOver(session, 'relay_restarted'));
    journal.remove(session.state.sessionId);
  }
  if (left.length)
    logger.warn({ sessions: left.length }, 'sessions live when the relay died were ended and queued for write-back');
  return left.length;
}

/**
 * Sessions taken over from a dead node (cluster mode) go on here, live, rebuilt from the journal:
 * `adopt` then points the cluster's directory (owner, key, link) at this node, and the clients that
 * reconnect find them. Nothing is written back now: the report goes once, when the session really
 * ends here. A session that was already ending, or whose journal predates live resume, is ended and
 * handed over once, with its log as journaled up to the node's death.
 */
export async function resumeTakenOver({
  sessionIds,
  load,
  registry,
  adopt,
  journal,
  deliver,
  logger,
}: JournalSessionsOptions & {
  sessionIds: string[];
  load: (sessionId: string) => Promise<JournaledSession | null>;
  adopt: (sessionId: string) => Promise<void>;
}): Promise<{ resumed: number; ended: number }> {
  let resumed = 0;
  let ended = 0;
  for (const id of sessionIds) {
    const session = await load(id);
    if (session && !session.ending && registry.restore(session)) {
      await adopt(id);
      resumed++;
      continue;
    }
    if (session) {
      await deliver(reportOfLeftOver(session, 'relay_restarted'));
      ended++;
    }
    journal.remove(id);
  }
  if (resumed) logger.warn({ sessions: resumed }, 'sessions of a dead node resumed here');
  if (ended) logger.warn({ sessions: ended }, 'sessions of a dead node were ended and queued for write-back');
  return { resumed, ended };
}
