// The lines `npm start` prints: where each of the four stories starts in the local sandbox.
import type { SightlineConfig } from '@sightline/config';

interface DemoShape {
  salesforce: { users: Record<string, { username: string; password: string }>; cases: { printer: string } };
  servicenow: { incidents: { vpn: { id: string } } };
}

export async function storyHints(config: SightlineConfig, relayUrl: string): Promise<string[]> {
  const sf = config.salesforce.loginUrl.replace(/\/$/, '');
  const sn = config.servicenow.instanceUrl.replace(/\/$/, '');
  let demo: DemoShape | null = null;
  if (config.sandbox.enabled) {
    // The sandbox's seeded ids, when it is installed (it is a dev dependency of the relay).
    const mod = (await import('@sightline/crm-sandbox').catch(() => null)) as { DEMO?: DemoShape } | null;
    demo = mod?.DEMO ?? null;
  }
  const casePage = demo ? `${sf}/lightning/r/Case/${demo.salesforce.cases.printer}/view` : `${sf}/ (open a Case)`;
  const who = (role: string) => {
    const u = demo?.salesforce.users[role];
    return u ? ` (sign in as ${u.username} / ${u.password})` : '';
  };
  const incident = demo ? `${sn}/incident.do?sys_id=${demo.servicenow.incidents.vpn.id}` : `${sn}/ (open an incident)`;
  return [
    'Stories:',
    `  1 Agent     ${casePage}${who('agent')}: click Start Screen Share, then email the invite`,
    `  2 Customer  ${sf}/outbox: open the invitation's link (or ${relayUrl}/join and type the key)`,
    `  3 Manager   ${casePage}${who('manager')}: play the recording after the session ended`,
    `  4 Sales     ${sf}/leads${who('sales')}: leads created from unknown attendees, also on the case page`,
    `  ServiceNow  ${incident}: Start Screen Share on the incident form`,
  ];
}
