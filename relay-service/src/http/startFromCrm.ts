// A session started by the CRM's own form button (the ServiceNow UI action), which may not touch
// `window` and so cannot call the relay: it opens the relay's sign-in window with the record id, the
// agent signs in through the CRM (the OAuth state, bound to this browser, proves the flow started
// here), and the callback creates the session on that record, read first with the agent's own token,
// then shows the console. The window is first-party to the relay throughout: no cross-site cookie.
import type { AgentIdentity } from '../auth/identity.ts';
import { normalizeRecordId } from '../crm/recordId.ts';
import { policyFor, type AppContext } from './AppContext.ts';
import { HttpError } from './HttpError.ts';

export function startFromCrm(ctx: AppContext) {
  return async (identity: AgentIdentity, recordId: string): Promise<string> => {
    const id = normalizeRecordId(identity.crm, recordId);
    if (!id) throw new HttpError(400, 'bad_request', 'invalid recordId');
    const record = await ctx.adapterFor(identity).readRecord(id);
    // Here: the console this window goes on to is served by this node.
    const created = await ctx.sessions.createHere({
      host: identity,
      record: { crm: identity.crm, id: normalizeRecordId(identity.crm, record.id) ?? id, label: record.label },
      policy: policyFor(ctx.config, identity.username),
      recordRequested: false,
    });
    ctx.logger.info({ sessionId: created.sessionId, crm: identity.crm }, 'session created from the CRM form');
    return created.sessionId;
  };
}
