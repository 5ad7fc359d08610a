import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { orgQueryFlags, requiredCaseFlag } from '../../../lib/flags.ts';
import { formatBytes } from '../../../lib/format.ts';
import { listRecordings } from '../../../lib/recordings.ts';
import type { RecordingRow } from '../../../lib/results.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.recordings.list');

export default class RecordingsList extends SfCommand<RecordingRow[]> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    ...orgQueryFlags,
    case: requiredCaseFlag,
  };

  public async run(): Promise<RecordingRow[]> {
    const { flags } = await this.parse(RecordingsList);
    const recordings = await listRecordings(flags['target-org'].getConnection(flags['api-version']), flags.case);
    if (recordings.length === 0) this.log(messages.getMessage('none', [flags.case]));
    else
      this.table({
        data: recordings.map((r) => ({
          id: r.contentVersionId,
          session: r.sessionId,
          file: r.fileName,
          size: formatBytes(r.size),
          duration: r.durationSeconds === null ? '' : `${r.durationSeconds} s`,
          created: r.createdAt,
          by: r.createdBy ?? '',
        })),
      });
    return recordings;
  }
}
