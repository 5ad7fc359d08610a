import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { downloadFile } from '../../../lib/download.ts';
import { orgQueryFlags, requiredCaseFlag } from '../../../lib/flags.ts';
import { formatBytes } from '../../../lib/format.ts';
import { listRecordings } from '../../../lib/recordings.ts';
import type { DownloadRow } from '../../../lib/results.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.recordings.download');

export default class RecordingsDownload extends SfCommand<DownloadRow[]> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    ...orgQueryFlags,
    case: requiredCaseFlag,
    session: Flags.string({ summary: messages.getMessage('flags.session.summary') }),
    'output-dir': Flags.directory({
      summary: messages.getMessage('flags.output-dir.summary'),
      required: true,
      char: 'd',
    }),
  };

  public async run(): Promise<DownloadRow[]> {
    const { flags } = await this.parse(RecordingsDownload);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const all = await listRecordings(conn, flags.case);
    const recordings = flags.session ? all.filter((r) => r.sessionId === flags.session) : all;
    if (recordings.length === 0) {
      this.log(messages.getMessage('none', [flags.case]));
      return [];
    }
    const dir = resolve(flags['output-dir']);
    await mkdir(dir, { recursive: true });
    const total = recordings.reduce((n, r) => n + r.size, 0);
    let before = 0;
    this.progress.start(total, {}, { title: `Downloading ${recordings.length} recordings (${formatBytes(total)})` });
    const out: DownloadRow[] = [];
    try {
      for (const r of recordings) {
        const path = join(dir, `${r.contentVersionId}-${r.fileName}`);
        const status = await downloadFile({
          url: `${conn.instanceUrl}/services/data/v${conn.getApiVersion()}/sobjects/ContentVersion/${r.contentVersionId}/VersionData`,
          token: async () => conn.accessToken ?? '',
          refresh: async () => {
            await org.refreshAuth();
          },
          path,
          size: r.size,
          onBytes: (n) => this.progress.update(before + n),
        });
        before += r.size;
        out.push({ contentVersionId: r.contentVersionId, path, size: r.size, status });
      }
    } finally {
      this.progress.stop();
    }
    this.table({ data: out.map((d) => ({ file: d.path, size: formatBytes(d.size), status: d.status })) });
    this.log(messages.getMessage('done', [out.filter((d) => d.status !== 'skipped').length, out.length, dir]));
    return out;
  }
}
