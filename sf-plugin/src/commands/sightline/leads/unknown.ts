import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { orgQueryFlags, sinceFlag } from '../../../lib/flags.ts';
import { createLeads, unknownAttendees } from '../../../lib/leads.ts';
import type { UnknownLead } from '../../../lib/results.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.leads.unknown');

export default class LeadsUnknown extends SfCommand<UnknownLead[]> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    ...orgQueryFlags,
    since: sinceFlag,
    create: Flags.boolean({ summary: messages.getMessage('flags.create.summary') }),
  };

  public async run(): Promise<UnknownLead[]> {
    const { flags } = await this.parse(LeadsUnknown);
    const conn = flags['target-org'].getConnection(flags['api-version']);
    let people = await unknownAttendees(conn, flags.since);
    if (people.length === 0) {
      this.log(messages.getMessage('none'));
      return [];
    }
    if (flags.create) {
      this.spinner.start(`Creating ${people.length} Leads`);
      people = await createLeads(conn, people);
      this.spinner.stop();
    }
    this.table({
      data: people.map((p) => ({
        email: p.email,
        name: p.name,
        phone: p.phone ?? '',
        cases: p.caseIds.join(', '),
        ...(flags.create ? { lead: p.leadId ?? '' } : {}),
      })),
    });
    if (flags.create) this.log(messages.getMessage('created', [people.length]));
    return people;
  }
}
