import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { relayFor, relayUrlFlag } from '../../../lib/flags.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.writebacks.retry');

export type WritebacksRetryResult = { retried: number };

export default class WritebacksRetry extends SfCommand<WritebacksRetryResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    'target-org': Flags.requiredOrg(),
    'relay-url': relayUrlFlag,
    session: Flags.string({ summary: messages.getMessage('flags.session.summary') }),
  };

  public async run(): Promise<WritebacksRetryResult> {
    const { flags } = await this.parse(WritebacksRetry);
    const relay = relayFor(flags['target-org'], flags['relay-url']);
    const retried = await relay.retry(flags.session ? { sessionId: flags.session } : {});
    this.log(messages.getMessage('retried', [retried]));
    return { retried };
  }
}
