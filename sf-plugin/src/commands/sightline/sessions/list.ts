import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { caseFlag, orgQueryFlags, sinceFlag } from '../../../lib/flags.ts';
import type { SessionRow } from '../../../lib/results.ts';
import { listSessions } from '../../../lib/sessions.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.sessions.list');

export default class SessionsList extends SfCommand<SessionRow[]> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    ...orgQueryFlags,
    case: caseFlag,
    since: sinceFlag,
    agent: Flags.string({ summary: messages.getMessage('flags.agent.summary') }),
    limit: Flags.integer({ summary: messages.getMessage('flags.limit.summary'), min: 1, max: 2000, default: 200 }),
  };

  public async run(): Promise<SessionRow[]> {
    const { flags } = await this.parse(SessionsList);
    const sessions = await listSessions(flags['target-org'].getConnection(flags['api-version']), {
      ...(flags.case ? { caseId: flags.case } : {}),
      ...(flags.since ? { since: flags.since } : {}),
      ...(flags.agent ? { agent: flags.agent } : {}),
      limit: flags.limit,
    });
    if (sessions.length === 0) this.log(messages.getMessage('none'));
    else
      this.table({
        data: sessions.map((s) => ({
          session: s.sessionId,
          case: s.caseNumber ?? s.caseId ?? '',
          agent: s.agent ?? '',
          started: s.startedAt ?? '',
          minutes: s.durationSeconds === null ? '' : (s.durationSeconds / 60).toFixed(1),
          attendees: s.attendees.map((a) => a.name).join(', '),
        })),
      });
    return sessions;
  }
}
