import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { orgQueryFlags, relayFor, relayUrlFlag } from '../../../lib/flags.ts';
import { checkOrg } from '../../../lib/orgCheck.ts';
import type { OrgCheckResult } from '../../../lib/results.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.org.check');

export default class OrgCheck extends SfCommand<OrgCheckResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');
  public static override readonly flags = {
    ...orgQueryFlags,
    'relay-url': relayUrlFlag,
    agent: Flags.string({ summary: messages.getMessage('flags.agent.summary'), multiple: true }),
    manager: Flags.string({ summary: messages.getMessage('flags.manager.summary'), multiple: true }),
    sales: Flags.string({ summary: messages.getMessage('flags.sales.summary'), multiple: true }),
  };

  public async run(): Promise<OrgCheckResult> {
    const { flags } = await this.parse(OrgCheck);
    const org = flags['target-org'];
    const relay = relayFor(org, flags['relay-url']);
    const checks = await checkOrg({
      conn: org.getConnection(flags['api-version']),
      orgId: org.getOrgId(),
      relay,
      users: { agent: flags.agent ?? [], manager: flags.manager ?? [], sales: flags.sales ?? [] },
    });
    for (const c of checks) {
      this.log(`${c.ok ? '✔' : '✖'} ${c.check}: ${c.detail}`);
      if (!c.ok && c.fix) this.log(`    fix: ${c.fix}`);
    }
    const failed = checks.filter((c) => !c.ok).length;
    this.log('');
    if (failed) {
      this.log(messages.getMessage('failed', [failed, checks.length]));
      process.exitCode = 1;
    } else this.log(messages.getMessage('passed', [checks.length]));
    return { ok: failed === 0, orgId: org.getOrgId(), relayUrl: relay.origin, checks };
  }
}
