// Fills an empty database with the demo org (fixed ids from demo.ts) on both CRMs.
import { DEMO } from './demo.ts';
import { salesforceId, seedSysId } from './ids.ts';
import type { AuthServer } from './oauth/AuthServer.ts';
import { seedSetup } from './salesforce/setupObjects.ts';
import { sfDateTime, snDateTime } from './time.ts';
import type { Doc, Store } from './store.ts';

const SF = DEMO.salesforce;
const SN = DEMO.servicenow;

function sfRecord(store: Store, type: string, id: string, fields: Doc, createdBy: string, daysAgo: number): void {
  const at = sfDateTime(new Date(Date.now() - daysAgo * 86_400_000));
  store.insert('salesforce', type, id, {
    Id: id,
    IsDeleted: false,
    CreatedDate: at,
    CreatedById: createdBy,
    LastModifiedDate: at,
    LastModifiedById: createdBy,
    SystemModstamp: at,
    ...fields,
  });
}

function snRecord(store: Store, table: string, id: string, fields: Doc, daysAgo: number): void {
  const at = snDateTime(new Date(Date.now() - daysAgo * 86_400_000));
  store.insert('servicenow', table, id, {
    sys_id: id,
    sys_created_on: at,
    sys_created_by: 'admin',
    sys_updated_on: at,
    sys_updated_by: 'admin',
    sys_mod_count: '0',
    sys_class_name: table,
    ...fields,
  });
}

export function seed(store: Store, salesforceAuth: AuthServer, servicenowAuth: AuthServer): void {
  store.transaction(() => {
    const admin = SF.users.agent.id;
    seedSetup(store, admin);
    sfRecord(
      store,
      'Organization',
      SF.orgId,
      {
        Name: SF.orgName,
        InstanceName: 'SL1',
        IsSandbox: false,
        TrialExpirationDate: null,
        NamespacePrefix: null,
        OrganizationType: 'Enterprise Edition',
        DefaultLocaleSidKey: 'en_GB',
      },
      admin,
      90,
    );
    for (const u of Object.values(SF.users)) {
      sfRecord(
        store,
        'User',
        u.id,
        {
          Username: u.username,
          FirstName: u.firstName,
          LastName: u.lastName,
          Name: u.name,
          Email: u.email,
          Alias: (u.firstName[0] + u.lastName).slice(0, 8).toLowerCase(),
          Title: u.title,
          IsActive: true,
          UserType: 'Standard',
          ManagerId: managerOf(u.id),
        },
        admin,
        90,
      );
      salesforceAuth.setPassword(u.username, u.id, u.password);
    }
    sfRecord(
      store,
      'OrgWideEmailAddress',
      SF.orgWideAddress.id,
      { Address: SF.orgWideAddress.address, DisplayName: SF.orgWideAddress.displayName, IsVerified: true },
      admin,
      90,
    );
    seedPermissions(store, admin);
    const owned = (owner: string) => ({ OwnerId: owner });
    const accounts: Array<[string, string, string, string]> = [
      [SF.accounts.acme, 'Acme Corporation', 'Manufacturing', 'https://acme.example'],
      [SF.accounts.globex, 'Globex', 'Technology', 'https://globex.example'],
      [SF.accounts.initech, 'Initech', 'Finance', 'https://initech.example'],
    ];
    for (const [id, name, industry, site] of accounts) {
      sfRecord(
        store,
        'Account',
        id,
        { Name: name, Industry: industry, Phone: '+44 20 7946 0000', Website: site, ...owned(SF.users.sales.id) },
        admin,
        60,
      );
    }
    const contacts: Array<[(typeof SF.contacts)[keyof typeof SF.contacts], string, string, string]> = [
      [SF.contacts.jane, 'Jane', 'Customer', SF.accounts.acme],
      [SF.contacts.raj, 'Raj', 'Patel', SF.accounts.globex],
      [SF.contacts.lena, 'Lena', 'Novak', SF.accounts.initech],
    ];
    for (const [c, first, last, account] of contacts) {
      sfRecord(
        store,
        'Contact',
        c.id,
        {
          FirstName: first,
          LastName: last,
          Name: c.name,
          Email: c.email,
          Phone: '+44 20 7946 0101',
          Title: 'IT Lead',
          AccountId: account,
          ...owned(SF.users.sales.id),
        },
        admin,
        50,
      );
    }
    const cases: Array<[string, string, string, string, string, string, string, string]> = [
      [
        SF.cases.printer,
        '00001001',
        'Label printer stops after every job',
        'Since the driver update the warehouse label printer pauses after each job and needs a restart.',
        'Working',
        'High',
        SF.contacts.jane.id,
        SF.accounts.acme,
      ],
      [
        SF.cases.login,
        '00001002',
        'Cannot sign in to the customer portal',
        'Raj gets "account locked" although he reset his password yesterday.',
        'New',
        'Medium',
        SF.contacts.raj.id,
        SF.accounts.globex,
      ],
      [
        SF.cases.invoice,
        '00001003',
        'Invoice export shows wrong currency',
        'Exports to CSV show USD instead of EUR for the Berlin subsidiary.',
        'New',
        'Low',
        SF.contacts.lena.id,
        SF.accounts.initech,
      ],
    ];
    for (const [id, number, subject, description, status, priority, contact, account] of cases) {
      const email = Object.values(SF.contacts).find((c) => c.id === contact)!.email;
      sfRecord(
        store,
        'Case',
        id,
        {
          CaseNumber: number,
          Subject: subject,
          Description: description,
          Status: status,
          Priority: priority,
          Origin: 'Phone',
          IsClosed: false,
          ContactId: contact,
          AccountId: account,
          ContactEmail: email,
          ...owned(SF.users.agent.id),
        },
        admin,
        3,
      );
    }
    store.setMeta('counter:sf:CaseNumber', '1003');
    sfRecord(
      store,
      'Lead',
      SF.leads.open.id,
      {
        FirstName: 'Pat',
        LastName: 'Prospect',
        Name: 'Pat Prospect',
        Company: 'Umbrella Ltd',
        Email: SF.leads.open.email,
        Phone: null,
        Title: 'Operations Manager',
        Status: 'Working - Contacted',
        LeadSource: 'Web',
        Description: null,
        IsConverted: false,
        ConvertedDate: null,
        ConvertedContactId: null,
        ConvertedAccountId: null,
        ...owned(SF.users.sales.id),
      },
      admin,
      20,
    );
    const convertedContact = salesforceId('003', 4);
    sfRecord(
      store,
      'Contact',
      convertedContact,
      {
        FirstName: 'Chris',
        LastName: 'Converted',
        Name: 'Chris Converted',
        Email: SF.leads.converted.email,
        Phone: null,
        Title: 'CTO',
        AccountId: SF.accounts.globex,
        ...owned(SF.users.sales.id),
      },
      admin,
      10,
    );
    sfRecord(
      store,
      'Lead',
      SF.leads.converted.id,
      {
        FirstName: 'Chris',
        LastName: 'Converted',
        Name: 'Chris Converted',
        Company: 'Hooli',
        Email: SF.leads.converted.email,
        Phone: null,
        Title: 'CTO',
        Status: 'Closed - Converted',
        LeadSource: 'Partner Referral',
        Description: null,
        IsConverted: true,
        ConvertedDate: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10),
        ConvertedContactId: convertedContact,
        ConvertedAccountId: SF.accounts.globex,
        ...owned(SF.users.sales.id),
      },
      admin,
      30,
    );

    for (const u of Object.values(SN.users)) {
      snRecord(
        store,
        'sys_user',
        u.id,
        {
          user_name: u.username,
          first_name: u.firstName,
          last_name: u.lastName,
          name: u.name,
          email: u.email,
          title: u.title,
          active: 'true',
          roles: roleNames(u).join(','),
        },
        90,
      );
      servicenowAuth.setPassword(u.username, u.id, u.password);
    }
    seedRoles(store);
    seedGroups(store);
    for (const c of Object.values(SN.callers)) {
      const [first, last] = c.name.split(' ');
      snRecord(
        store,
        'sys_user',
        c.id,
        {
          user_name: c.email.split('@')[0],
          first_name: first,
          last_name: last,
          name: c.name,
          email: c.email,
          title: '',
          active: 'true',
          roles: '',
        },
        60,
      );
    }
    const incidents: Array<[(typeof SN.incidents)[keyof typeof SN.incidents], string, string, string, string]> = [
      [
        SN.incidents.vpn,
        'VPN drops every few minutes',
        'Jane loses the VPN connection several times an hour since the client update.',
        SN.callers.jane.id,
        '2',
      ],
      [
        SN.incidents.email,
        'Outlook keeps asking for the password',
        'Raj is prompted for credentials repeatedly on the desktop client.',
        SN.callers.raj.id,
        '1',
      ],
    ];
    for (const [inc, short, description, caller, state] of incidents) {
      snRecord(
        store,
        'incident',
        inc.id,
        {
          number: inc.number,
          short_description: short,
          description,
          caller_id: caller,
          assigned_to: SN.users.agent.id,
          opened_by: SN.users.agent.id,
          state,
          priority: '3',
          urgency: '2',
          impact: '2',
          category: 'network',
          active: 'true',
          opened_at: snDateTime(new Date(Date.now() - 2 * 86_400_000)),
          work_notes: '',
          comments: '',
        },
        2,
      );
    }
    store.setMeta('counter:sn:incident', '10002');
    store.setMeta('seeded', new Date().toISOString());
  });
}

type SfUserKey = keyof typeof SF.assignments;

/** The demo user's manager's id (User.ManagerId), null for those reporting to nobody here. */
function managerOf(userId: string): string | null {
  const key = (Object.keys(SF.users) as (keyof typeof SF.users)[]).find((k) => SF.users[k].id === userId);
  const manager = key ? SF.managers[key] : undefined;
  return manager ? SF.users[manager].id : null;
}
type SnUserKey = keyof typeof SN.userRoles;
type SnRoleKey = keyof typeof SN.roles;

/** The package's permission sets and custom permissions, assigned per demo user (agent, manager host). */
function seedPermissions(store: Store, admin: string): void {
  for (const ps of Object.values(SF.permissionSets)) {
    const fields = {
      Name: ps.name,
      Label: ps.label,
      NamespacePrefix: null,
      IsOwnedByProfile: false,
      Description: null,
    };
    sfRecord(store, 'PermissionSet', ps.id, fields, admin, 90);
  }
  for (const cp of Object.values(SF.customPermissions)) {
    const fields = { DeveloperName: cp.name, MasterLabel: cp.label, NamespacePrefix: null, Description: null };
    sfRecord(store, 'CustomPermission', cp.id, { ...fields, IsProtected: false }, admin, 90);
  }
  let n = 0;
  for (const [set, perms] of Object.entries(SF.grants) as [keyof typeof SF.grants, readonly string[]][]) {
    for (const perm of perms) {
      const cp = SF.customPermissions[perm as keyof typeof SF.customPermissions];
      const fields = { ParentId: SF.permissionSets[set].id, SetupEntityId: cp.id, SetupEntityType: 'CustomPermission' };
      sfRecord(store, 'SetupEntityAccess', salesforceId('0J0', ++n), fields, admin, 90);
    }
  }
  n = 0;
  for (const [user, sets] of Object.entries(SF.assignments) as [SfUserKey, readonly string[]][]) {
    for (const set of sets) {
      const ps = SF.permissionSets[set as keyof typeof SF.permissionSets];
      const fields = { AssigneeId: SF.users[user].id, PermissionSetId: ps.id };
      sfRecord(store, 'PermissionSetAssignment', salesforceId('0Pa', ++n), fields, admin, 90);
    }
  }
}

function userKeyOf(u: (typeof SN.users)[keyof typeof SN.users]): SnUserKey {
  return (Object.keys(SN.users) as SnUserKey[]).find((k) => SN.users[k].id === u.id)!;
}

/** Held roles with the roles they contain, as sys_user.roles lists them. */
function heldRoles(user: SnUserKey): { role: SnRoleKey; inherited: boolean }[] {
  const out: { role: SnRoleKey; inherited: boolean }[] = [];
  for (const role of SN.userRoles[user] as readonly SnRoleKey[]) {
    out.push({ role, inherited: false });
    for (const c of SN.roles[role].contains as SnRoleKey[]) out.push({ role: c, inherited: true });
  }
  return out;
}

function roleNames(u: (typeof SN.users)[keyof typeof SN.users]): string[] {
  return heldRoles(userKeyOf(u)).map((h) => SN.roles[h.role].name);
}

/** sys_user_role and one sys_user_has_role row per held or contained role of each demo user. */
function seedRoles(store: Store): void {
  for (const [key, r] of Object.entries(SN.roles) as [SnRoleKey, (typeof SN.roles)[SnRoleKey]][]) {
    const contains = (r.contains as SnRoleKey[]).map((c) => SN.roles[c].name).join(',');
    const suffix = r.name.split('.').pop()!;
    snRecord(store, 'sys_user_role', r.id, { name: r.name, description: key, suffix, contains_roles: contains }, 90);
  }
  let n = 0;
  for (const user of Object.keys(SN.userRoles) as SnUserKey[]) {
    for (const { role, inherited } of heldRoles(user)) {
      const fields = {
        user: SN.users[user].id,
        role: SN.roles[role].id,
        state: 'active',
        inherited: String(inherited),
      };
      snRecord(store, 'sys_user_has_role', seedSysId('5e4a5000', ++n), fields, 90);
    }
  }
}

/** Assignment groups with their manager, and one sys_user_grmember row per member. */
function seedGroups(store: Store): void {
  let n = 0;
  for (const g of Object.values(SN.groups)) {
    snRecord(store, 'sys_user_group', g.id, { name: g.name, manager: SN.users[g.manager].id, active: 'true' }, 90);
    for (const member of g.members) {
      const fields = { group: g.id, user: SN.users[member].id };
      snRecord(store, 'sys_user_grmember', seedSysId('9a0be000', ++n), fields, 90);
    }
  }
}
