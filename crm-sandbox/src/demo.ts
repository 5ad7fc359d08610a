// The seeded demo org: fixed ids and public demo credentials, shared by the seed, tests and README.
// Nothing here is a secret: these values only open the local sandbox.
import { salesforceId, seedSysId } from './ids.ts';

const sf = (prefix: string, n: number) => salesforceId(prefix, n);
const sn = (kind: string, n: number) => seedSysId(kind, n);

export interface DemoUser {
  id: string;
  username: string;
  password: string;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  title: string;
}

const user = (id: string, username: string, first: string, last: string, email: string, title: string) => ({
  id,
  username,
  password: 'sightline-demo',
  firstName: first,
  lastName: last,
  name: `${first} ${last}`,
  email,
  title,
});

export const DEMO = {
  /** The relay's OAuth client on both CRMs; it accepts any loopback redirect URI. */
  oauthClient: { clientId: 'sightline-relay-demo', clientSecret: 'sightline-demo-secret' },
  salesforce: {
    orgId: sf('00D', 1),
    orgName: 'Sightline Demo Org',
    users: {
      /** Reports to the manager (User.ManagerId): in the manager's team, whom the manager may supervise. */
      agent: user(
        sf('005', 1),
        'alex.agent@sightline.demo',
        'Alex',
        'Agent',
        'alex.agent@sightline.demo',
        'Support Agent',
      ),
      manager: user(
        sf('005', 2),
        'morgan.manager@sightline.demo',
        'Morgan',
        'Manager',
        'morgan.manager@sightline.demo',
        'Support Manager',
      ),
      sales: user(
        sf('005', 3),
        'sam.sales@sightline.demo',
        'Sam',
        'Sales',
        'sam.sales@sightline.demo',
        'Account Executive',
      ),
      /** A second support agent: not the owner of the main case or of its recordings. */
      agent2: user(
        sf('005', 4),
        'riley.agent@sightline.demo',
        'Riley',
        'Reyes',
        'riley.agent@sightline.demo',
        'Support Agent',
      ),
    },
    /** The verified organization-wide address invitations can be sent from (senderType OrgWideEmailAddress). */
    orgWideAddress: { id: sf('0D2', 1), address: 'support@sightline.demo', displayName: 'Sightline Demo Support' },
    accounts: { acme: sf('001', 1), globex: sf('001', 2), initech: sf('001', 3) },
    contacts: {
      jane: { id: sf('003', 1), name: 'Jane Customer', email: 'jane.customer@acme.example' },
      raj: { id: sf('003', 2), name: 'Raj Patel', email: 'raj.patel@globex.example' },
      lena: { id: sf('003', 3), name: 'Lena Novak', email: 'lena.novak@initech.example' },
    },
    cases: {
      /** Open, contact Jane Customer (Acme), owned by the agent: the main demo case. */
      printer: sf('500', 1),
      login: sf('500', 2),
      invoice: sf('500', 3),
    },
    leads: {
      open: { id: sf('00Q', 1), email: 'pat.prospect@umbrella.example' },
      converted: { id: sf('00Q', 2), email: 'chris.converted@hooli.example' },
    },
    /**
     * User -> their manager (User.ManagerId). The agent reports to the manager (a supervisor's team);
     * agent2 reports to nobody here, so the manager may not supervise agent2's sessions.
     */
    managers: { agent: 'manager' } as Partial<Record<'agent' | 'manager' | 'sales' | 'agent2', 'manager'>>,
    /** The package's permission sets (force-app/main/default/permissionsets) and who holds them. */
    permissionSets: {
      agent: { id: sf('0PS', 1), name: 'Sightline_Agent', label: 'Sightline Agent' },
      manager: { id: sf('0PS', 2), name: 'Sightline_Manager', label: 'Sightline Manager' },
      sales: { id: sf('0PS', 3), name: 'Sightline_Sales', label: 'Sightline Sales' },
      supervisor: { id: sf('0PS', 4), name: 'Sightline_Supervisor', label: 'Sightline Supervisor' },
    },
    /** The package's custom permissions (force-app/main/default/customPermissions). */
    customPermissions: {
      startSessions: { id: sf('0CP', 1), name: 'Sightline_Start_Sessions', label: 'Sightline: Start Screen Share' },
      viewRecordings: { id: sf('0CP', 2), name: 'Sightline_View_Recordings', label: 'Sightline: View Recordings' },
      createLeads: {
        id: sf('0CP', 3),
        name: 'Sightline_Create_Leads',
        label: 'Sightline: Create Leads from Attendees',
      },
      admin: { id: sf('0CP', 4), name: 'Sightline_Admin', label: 'Sightline: Administer the Relay' },
      supervise: {
        id: sf('0CP', 5),
        name: 'Sightline_Supervise_Sessions',
        label: "Sightline: Supervise the Team's Sessions",
      },
    },
    /** Permission set -> the custom permissions it grants (SetupEntityAccess rows). */
    grants: {
      agent: ['startSessions'],
      manager: ['viewRecordings', 'admin'],
      sales: ['createLeads'],
      supervisor: ['supervise'],
    },
    /** User -> permission sets (PermissionSetAssignment rows): the agent and the manager may host, sales may not. */
    assignments: {
      agent: ['agent'],
      manager: ['agent', 'manager', 'supervisor'],
      sales: ['sales'],
      /** A second agent who also reviews recordings (Sightline Manager) but owns none of them. */
      agent2: ['agent', 'manager'],
    },
  },
  servicenow: {
    users: {
      agent: user(sn('a1a1a1a1', 1), 'alex.agent', 'Alex', 'Agent', 'alex.agent@sightline.demo', 'Service Desk Agent'),
      manager: user(
        sn('a1a1a1a1', 2),
        'morgan.manager',
        'Morgan',
        'Manager',
        'morgan.manager@sightline.demo',
        'Service Desk Manager',
      ),
      /** An itil user without the Sightline roles: reads incidents, may not host. */
      sales: user(sn('a1a1a1a1', 3), 'sam.sales', 'Sam', 'Sales', 'sam.sales@sightline.demo', 'Account Executive'),
    },
    /** The scoped app's roles (servicenow-app/src/fluent/security/roles.now.ts); manager contains agent. */
    roles: {
      itil: { id: sn('4012e500', 1), name: 'itil', contains: [] as string[] },
      agent: { id: sn('4012e500', 2), name: 'x_sightline_share.agent', contains: [] as string[] },
      manager: { id: sn('4012e500', 3), name: 'x_sightline_share.manager', contains: ['agent'] },
      supervisor: { id: sn('4012e500', 4), name: 'x_sightline_share.supervisor', contains: [] as string[] },
    },
    /** Assignment groups (sys_user_group, sys_user_grmember): the manager manages the agent's group. */
    groups: {
      serviceDesk: { id: sn('96a0be00', 1), name: 'Service Desk', manager: 'manager', members: ['agent'] },
    },
    /** User -> roles held directly (contained roles are added as inherited rows). */
    userRoles: {
      agent: ['itil', 'agent'],
      manager: ['itil', 'manager', 'supervisor'],
      sales: ['itil'],
    },
    callers: {
      jane: { id: sn('c0c0c0c0', 1), name: 'Jane Customer', email: 'jane.customer@acme.example' },
      raj: { id: sn('c0c0c0c0', 2), name: 'Raj Patel', email: 'raj.patel@globex.example' },
    },
    incidents: {
      /** INC0010001, caller Jane Customer, assigned to the agent. */
      vpn: { id: sn('1ac1de17', 1), number: 'INC0010001' },
      email: { id: sn('1ac1de17', 2), number: 'INC0010002' },
    },
  },
} as const;

export type Demo = typeof DEMO;
