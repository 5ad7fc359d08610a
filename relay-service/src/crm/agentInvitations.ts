// The registry's `invite-agent` event (an agent invites a colleague from the console): the relay
// emails the console link through the CRM as the inviting agent (or the host). The link carries the
// invited person's one-time invitation token in its fragment: never sent to a server in a request line
// or a referrer; the console posts it once with its ticket request. No access token goes in an email.
import type { Logger } from '../logger.ts';
import type { SessionRegistry } from '../sessions/SessionRegistry.ts';
import type { AdapterFactory } from './adapterFor.ts';

export function sendAgentInvitations(
  registry: SessionRegistry,
  adapterFor: AdapterFactory,
  publicUrl: () => string,
  logger: Logger,
): void {
  registry.on('invite-agent', ({ sessionId, email, invitedBy, invitation }) => {
    const info = registry.get(sessionId);
    if (!info) return;
    const sender = invitedBy ?? info.host;
    const url = `${publicUrl()}/console/${sessionId}#invitation=${invitation}`;
    adapterFor(sender)
      .sendEmail({
        to: [email],
        recordId: info.snapshot.record.id,
        subject: `${sender.displayName} invites you to a screen share: ${info.snapshot.record.label}`,
        body: `${sender.displayName} asks you to join a live screen share session about ${info.snapshot.record.label}.\n\nOpen the agent console (sign in with your CRM account): ${url}`,
      })
      .then(
        () => logger.info({ sessionId }, 'agent invitation emailed'),
        (err: Error) => logger.warn({ sessionId, error: err.message }, 'agent invitation could not be sent'),
      );
  });
}
