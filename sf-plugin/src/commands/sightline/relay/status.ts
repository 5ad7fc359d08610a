import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { relayFor, relayUrlFlag } from '../../../lib/flags.ts';
import type { RelayStatus } from '../../../lib/results.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.relay.status');

export default class RelayStatusCommand extends SfCommand<RelayStatus> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'relay-url': relayUrlFlag,
  };

  public async run(): Promise<RelayStatus> {
    const { flags } = await this.parse(RelayStatusCommand);
    const relay = relayFor(flags['target-org'], flags['relay-url']);
    const status = await relay.status();
    const w = status.writeback;
    this.table({
      data: [
        { item: 'relay', value: `${relay.origin} (${status.status})` },
        { item: 'version', value: status.version },
        { item: 'uptime', value: `${Math.round(status.uptimeSeconds)} s` },
        { item: 'live sessions', value: String(status.liveSessions) },
        { item: 'write-back backlog', value: String(w.backlog) },
        { item: 'awaiting agent sign-in', value: String(w.awaitingSignIn) },
        { item: 'failed write-backs', value: String(w.failed.length) },
      ],
    });
    if (w.failed.length)
      this.table({
        title: messages.getMessage('failed-title'),
        data: w.failed.map((f) => ({
          session: f.sessionId,
          what: f.what,
          agent: f.userId,
          since: f.since,
          reason: f.reason,
        })),
      });
    return status;
  }
}
