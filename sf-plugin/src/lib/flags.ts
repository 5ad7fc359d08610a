// Flags several commands share, with their help text from messages/sightline.shared.md.
import { Messages, type Org } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { RelayClient } from './relayClient.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@sightline/plugin-sightline', 'sightline.shared');

export const relayUrlFlag = Flags.url({
  summary: messages.getMessage('flags.relay-url.summary'),
  env: 'SIGHTLINE_RELAY_URL',
  required: true,
});

const caseOptions = { summary: messages.getMessage('flags.case.summary'), startsWith: '500', length: 'both' } as const;
export const caseFlag = Flags.salesforceId(caseOptions);
export const requiredCaseFlag = Flags.salesforceId({ ...caseOptions, required: true });

/** The org to query and the API version to query it with: every command that reads the org's data. */
export const orgQueryFlags = {
  'target-org': Flags.requiredOrg(),
  'api-version': Flags.orgApiVersion(),
};

export const sinceFlag = Flags.string({ summary: messages.getMessage('flags.since.summary') });

/** The relay admin client on the org's own access token, refreshed first when it can be. */
export function relayFor(org: Org, relayUrl: URL): RelayClient {
  return new RelayClient(relayUrl.href, async () => {
    await org.refreshAuth();
    const token = org.getConnection().accessToken;
    if (!token) throw messages.createError('error.no-token');
    return token;
  });
}
