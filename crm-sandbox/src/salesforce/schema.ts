// The sObjects the sandbox knows, with the field metadata describe returns and the DML checks use.
import { loadPackageMetadata } from './packageFields.ts';
import { SETUP_SPECS } from './setupObjects.ts';

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'boolean'
  | 'int'
  | 'double'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'picklist'
  | 'base64';

export interface FieldDef {
  name: string;
  type: FieldType;
  label: string;
  length: number;
  referenceTo: string[];
  relationshipName: string | null;
  /** Must be present on insert (not nillable, no default). */
  required: boolean;
  createable: boolean;
  updateable: boolean;
  defaultValue: unknown;
  picklist: string[];
  /** A restricted picklist refuses values it does not list. */
  restricted: boolean;
  custom: boolean;
  /** An External ID field: upsert (`PATCH /sobjects/<type>/<field>/<value>`) may key on it. */
  externalId: boolean;
  /** Two records may not hold the same value (DUPLICATE_VALUE). */
  unique: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
  byLowerName: Map<string, FieldDef>;
  /** Relationship name (lower case) -> reference field. */
  relationships: Map<string, FieldDef>;
  custom: boolean;
}

export type FieldSpec = Partial<Omit<FieldDef, 'name' | 'type'>> & { type: FieldType };

const LENGTHS: Partial<Record<FieldType, number>> = {
  id: 18,
  string: 255,
  textarea: 32000,
  email: 80,
  phone: 40,
  url: 255,
  reference: 18,
  picklist: 255,
};

function field(name: string, spec: FieldSpec): FieldDef {
  return {
    name,
    type: spec.type,
    label:
      spec.label ??
      name
        .replace(/__c$/, '')
        .replace(/_/g, ' ')
        .replace(/Id$/, ' ID')
        .replace(/([a-z])([A-Z])/g, '$1 $2'),
    length: spec.length ?? LENGTHS[spec.type] ?? 0,
    referenceTo: spec.referenceTo ?? [],
    relationshipName: spec.relationshipName ?? (spec.type === 'reference' ? name.replace(/Id$/, '') : null),
    required: spec.required ?? false,
    createable: spec.createable ?? true,
    updateable: spec.updateable ?? spec.createable ?? true,
    defaultValue: spec.defaultValue ?? null,
    picklist: spec.picklist ?? [],
    restricted: spec.restricted ?? (spec.type === 'picklist' && (spec.picklist?.length ?? 0) > 0),
    custom: spec.custom ?? name.endsWith('__c'),
    externalId: spec.externalId ?? false,
    unique: spec.unique ?? false,
  };
}

const system = (owned: boolean): Record<string, FieldSpec> => ({
  Id: { type: 'id', createable: false },
  IsDeleted: { type: 'boolean', createable: false },
  ...(owned ? { OwnerId: { type: 'reference', referenceTo: ['User'], relationshipName: 'Owner' } } : {}),
  CreatedDate: { type: 'datetime', createable: false },
  CreatedById: { type: 'reference', referenceTo: ['User'], relationshipName: 'CreatedBy', createable: false },
  LastModifiedDate: { type: 'datetime', createable: false },
  LastModifiedById: { type: 'reference', referenceTo: ['User'], relationshipName: 'LastModifiedBy', createable: false },
  SystemModstamp: { type: 'datetime', createable: false },
});

const readOnly = (type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  type,
  createable: false,
  ...extra,
});

const SPECS: Array<{
  name: string;
  label: string;
  plural: string;
  prefix: string;
  owned: boolean;
  fields: Record<string, FieldSpec>;
}> = [
  {
    name: 'Organization',
    label: 'Organization',
    plural: 'Organizations',
    prefix: '00D',
    owned: false,
    fields: {
      Name: readOnly('string'),
      InstanceName: readOnly('string'),
      IsSandbox: readOnly('boolean'),
      TrialExpirationDate: readOnly('datetime'),
      NamespacePrefix: readOnly('string'),
      OrganizationType: readOnly('picklist'),
      DefaultLocaleSidKey: readOnly('picklist'),
    },
  },
  {
    name: 'User',
    label: 'User',
    plural: 'Users',
    prefix: '005',
    owned: false,
    fields: {
      Username: { type: 'string', required: true },
      FirstName: { type: 'string', length: 40 },
      LastName: { type: 'string', length: 80, required: true },
      Name: readOnly('string', { label: 'Full Name' }),
      Email: { type: 'email', required: true },
      Alias: { type: 'string', length: 8 },
      Title: { type: 'string', length: 80 },
      IsActive: { type: 'boolean', defaultValue: true },
      ManagerId: { type: 'reference', referenceTo: ['User'], relationshipName: 'Manager' },
      UserType: readOnly('picklist', { defaultValue: 'Standard' }),
    },
  },
  {
    name: 'Account',
    label: 'Account',
    plural: 'Accounts',
    prefix: '001',
    owned: true,
    fields: {
      Name: { type: 'string', required: true },
      Industry: {
        type: 'picklist',
        restricted: false,
        picklist: ['Technology', 'Manufacturing', 'Finance', 'Retail', 'Other'],
      },
      Phone: { type: 'phone' },
      Website: { type: 'url' },
    },
  },
  {
    name: 'Contact',
    label: 'Contact',
    plural: 'Contacts',
    prefix: '003',
    owned: true,
    fields: {
      FirstName: { type: 'string', length: 40 },
      LastName: { type: 'string', length: 80, required: true },
      Name: readOnly('string', { label: 'Full Name' }),
      Email: { type: 'email' },
      Phone: { type: 'phone' },
      Title: { type: 'string', length: 128 },
      AccountId: { type: 'reference', referenceTo: ['Account'] },
    },
  },
  {
    name: 'Lead',
    label: 'Lead',
    plural: 'Leads',
    prefix: '00Q',
    owned: true,
    fields: {
      FirstName: { type: 'string', length: 40 },
      LastName: { type: 'string', length: 80, required: true },
      Name: readOnly('string', { label: 'Full Name' }),
      Company: { type: 'string', required: true },
      Email: { type: 'email' },
      Phone: { type: 'phone' },
      Title: { type: 'string', length: 128 },
      Status: {
        type: 'picklist',
        defaultValue: 'Open - Not Contacted',
        picklist: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
      },
      LeadSource: {
        type: 'picklist',
        restricted: false,
        picklist: ['Web', 'Phone Inquiry', 'Partner Referral', 'Screen Share', 'Other'],
      },
      Description: { type: 'textarea' },
      IsConverted: readOnly('boolean', { defaultValue: false }),
      ConvertedDate: readOnly('date'),
      ConvertedContactId: readOnly('reference', { referenceTo: ['Contact'] }),
      ConvertedAccountId: readOnly('reference', { referenceTo: ['Account'] }),
    },
  },
  {
    name: 'Case',
    label: 'Case',
    plural: 'Cases',
    prefix: '500',
    owned: true,
    fields: {
      CaseNumber: readOnly('string', { length: 30 }),
      Subject: { type: 'string' },
      Description: { type: 'textarea' },
      Status: { type: 'picklist', defaultValue: 'New', picklist: ['New', 'Working', 'Escalated', 'Closed'] },
      Priority: { type: 'picklist', defaultValue: 'Medium', picklist: ['High', 'Medium', 'Low'] },
      Origin: { type: 'picklist', picklist: ['Phone', 'Email', 'Web'] },
      IsClosed: readOnly('boolean', { defaultValue: false }),
      ContactId: { type: 'reference', referenceTo: ['Contact'] },
      AccountId: { type: 'reference', referenceTo: ['Account'] },
      ContactEmail: readOnly('email'),
    },
  },
  {
    name: 'Task',
    label: 'Task',
    plural: 'Tasks',
    prefix: '00T',
    owned: true,
    fields: {
      Subject: { type: 'string' },
      Status: {
        type: 'picklist',
        defaultValue: 'Not Started',
        picklist: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
      },
      Priority: { type: 'picklist', defaultValue: 'Normal', picklist: ['High', 'Normal', 'Low'] },
      ActivityDate: { type: 'date', label: 'Due Date Only' },
      TaskSubtype: {
        type: 'picklist',
        updateable: false,
        picklist: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
      },
      Type: { type: 'picklist', picklist: ['Call', 'Email', 'Meeting', 'Other'] },
      WhoId: { type: 'reference', referenceTo: ['Contact', 'Lead'], relationshipName: 'Who', label: 'Name ID' },
      WhatId: { type: 'reference', referenceTo: ['Case', 'Account'], relationshipName: 'What', label: 'Related To ID' },
      Description: { type: 'textarea' },
      CallDurationInSeconds: { type: 'int' },
      IsClosed: readOnly('boolean', { defaultValue: false }),
      Sightline_Session_Id__c: { type: 'string', length: 64, label: 'Sightline Session Id' },
    },
  },
  {
    // What logEmailOnSend writes: the sent email as a record on the case's activity.
    name: 'EmailMessage',
    label: 'Email Message',
    plural: 'Email Messages',
    prefix: '02s',
    owned: false,
    fields: {
      Subject: { type: 'string' },
      TextBody: { type: 'textarea' },
      FromAddress: { type: 'email' },
      ToAddress: { type: 'string', length: 4000 },
      Status: { type: 'picklist', defaultValue: '3', picklist: ['0', '1', '2', '3', '4', '5'] },
      Incoming: { type: 'boolean', defaultValue: false },
      MessageDate: { type: 'datetime' },
      ParentId: { type: 'reference', referenceTo: ['Case'], relationshipName: 'Parent' },
      RelatedToId: { type: 'reference', referenceTo: ['Case', 'Account'], relationshipName: 'RelatedTo' },
    },
  },
  {
    name: 'OrgWideEmailAddress',
    label: 'Organization-Wide Email Address',
    plural: 'Organization-Wide Email Addresses',
    prefix: '0D2',
    owned: false,
    fields: {
      Address: { type: 'email' },
      DisplayName: { type: 'string' },
      IsVerified: readOnly('boolean', { defaultValue: true }),
    },
  },
  {
    name: 'ContentDocument',
    label: 'Content Document',
    plural: 'Content Documents',
    prefix: '069',
    owned: true,
    fields: {
      Title: { type: 'string' },
      LatestPublishedVersionId: readOnly('reference', {
        referenceTo: ['ContentVersion'],
        relationshipName: 'LatestPublishedVersion',
      }),
      FileExtension: readOnly('string', { length: 40 }),
      FileType: readOnly('string', { length: 20 }),
      ContentSize: readOnly('int'),
    },
  },
  {
    name: 'ContentVersion',
    label: 'Content Version',
    plural: 'Content Versions',
    prefix: '068',
    owned: true,
    fields: {
      Title: { type: 'string' },
      PathOnClient: { type: 'string', required: true, updateable: false },
      VersionData: { type: 'base64', updateable: false },
      Description: { type: 'textarea' },
      ReasonForChange: { type: 'string' },
      ContentDocumentId: {
        type: 'reference',
        referenceTo: ['ContentDocument'],
        relationshipName: 'ContentDocument',
        updateable: false,
      },
      FirstPublishLocationId: {
        type: 'reference',
        referenceTo: ['Case', 'Account', 'Contact', 'Lead', 'User'],
        relationshipName: 'FirstPublishLocation',
        updateable: false,
      },
      FileExtension: readOnly('string', { length: 40 }),
      FileType: readOnly('string', { length: 20 }),
      ContentSize: readOnly('int'),
      VersionNumber: readOnly('string', { length: 20 }),
      IsLatest: readOnly('boolean'),
      Sightline_Session_Id__c: { type: 'string', length: 64, label: 'Sightline Session Id' },
    },
  },
  {
    name: 'ContentDocumentLink',
    label: 'Content Document Link',
    plural: 'Content Document Links',
    prefix: '06A',
    owned: false,
    fields: {
      ContentDocumentId: {
        type: 'reference',
        referenceTo: ['ContentDocument'],
        relationshipName: 'ContentDocument',
        required: true,
        updateable: false,
      },
      LinkedEntityId: {
        type: 'reference',
        referenceTo: ['Case', 'Account', 'Contact', 'Lead', 'User'],
        relationshipName: 'LinkedEntity',
        required: true,
        updateable: false,
      },
      ShareType: { type: 'picklist', defaultValue: 'V', picklist: ['V', 'C', 'I'] },
      Visibility: {
        type: 'picklist',
        defaultValue: 'AllUsers',
        picklist: ['AllUsers', 'InternalUsers', 'SharedUsers'],
      },
    },
  },
  // Setup objects: who holds which permission. Read through SOQL as in an org (a user checks their own
  // custom permissions with a semi-join over these); only an administrator changes them, never the API
  // user an agent signs in as (see SETUP_OBJECTS).
  {
    name: 'PermissionSet',
    label: 'Permission Set',
    plural: 'Permission Sets',
    prefix: '0PS',
    owned: false,
    fields: {
      Name: readOnly('string', { length: 80, label: 'Name' }),
      Label: readOnly('string', { length: 80 }),
      NamespacePrefix: readOnly('string', { length: 15 }),
      IsOwnedByProfile: readOnly('boolean', { defaultValue: false }),
      Description: readOnly('textarea', { length: 255 }),
    },
  },
  {
    name: 'PermissionSetAssignment',
    label: 'Permission Set Assignment',
    plural: 'Permission Set Assignments',
    prefix: '0Pa',
    owned: false,
    fields: {
      AssigneeId: readOnly('reference', { referenceTo: ['User'], relationshipName: 'Assignee' }),
      PermissionSetId: readOnly('reference', { referenceTo: ['PermissionSet'], relationshipName: 'PermissionSet' }),
    },
  },
  {
    name: 'CustomPermission',
    label: 'Custom Permission',
    plural: 'Custom Permissions',
    prefix: '0CP',
    owned: false,
    fields: {
      DeveloperName: readOnly('string', { length: 80 }),
      MasterLabel: readOnly('string', { length: 80, label: 'Label' }),
      NamespacePrefix: readOnly('string', { length: 15 }),
      Description: readOnly('textarea', { length: 255 }),
      IsProtected: readOnly('boolean', { defaultValue: false }),
    },
  },
  {
    name: 'SetupEntityAccess',
    label: 'Setup Entity Access',
    plural: 'Setup Entity Access',
    prefix: '0J0',
    owned: false,
    fields: {
      ParentId: readOnly('reference', { referenceTo: ['PermissionSet'], relationshipName: 'Parent' }),
      SetupEntityId: readOnly('reference', { referenceTo: ['CustomPermission'] }),
      SetupEntityType: readOnly('picklist', {
        picklist: ['ApexClass', 'ApexPage', 'ConnectedApplication', 'CustomPermission', 'TabSet'],
      }),
    },
  },
];

/** Permission metadata: queryable by every user, changed only in Setup (the API refuses DML on it). */
export const SETUP_OBJECTS: ReadonlySet<string> = new Set([
  'PermissionSet',
  'PermissionSetAssignment',
  'CustomPermission',
  'SetupEntityAccess',
]);

const PACKAGE = loadPackageMetadata();
const PACKAGE_FIELDS = PACKAGE.fields;
// Custom objects get key prefixes a01, a02, ... in name order, as an org assigns them on deploy.
SPECS.push(
  ...PACKAGE.objects.map((o, i) => ({
    name: o.name,
    label: o.label,
    plural: o.plural,
    prefix: `a0${'123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[i] ?? 'Z'}`,
    owned: o.owned,
    fields: {
      Name: o.autoNumberName
        ? readOnly('string', { length: 80 })
        : ({ type: 'string', length: 80, required: true } as FieldSpec),
    },
  })),
);

SPECS.push(...SETUP_SPECS);

function build(spec: (typeof SPECS)[number]): ObjectDef {
  const extra: Record<string, FieldSpec> = Object.fromEntries(
    PACKAGE_FIELDS.filter((p) => p.object === spec.name).map((p) => {
      const { object: _object, name, ...rest } = p;
      return [name, rest];
    }),
  );
  const fields = Object.entries({ ...system(spec.owned), ...spec.fields, ...extra }).map(([n, s]) => field(n, s));
  return {
    name: spec.name,
    label: spec.label,
    labelPlural: spec.plural,
    keyPrefix: spec.prefix,
    fields,
    byLowerName: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
    relationships: new Map(fields.filter((f) => f.relationshipName).map((f) => [f.relationshipName!.toLowerCase(), f])),
    custom: spec.name.endsWith('__c'),
  };
}

export const OBJECTS: ReadonlyMap<string, ObjectDef> = new Map(SPECS.map((s) => [s.name.toLowerCase(), build(s)]));
const BY_PREFIX = new Map([...OBJECTS.values()].map((o) => [o.keyPrefix, o]));

export function objectDef(name: string): ObjectDef | undefined {
  return OBJECTS.get(name.toLowerCase());
}

export function objectForId(id: string): ObjectDef | undefined {
  return BY_PREFIX.get(id.slice(0, 3));
}

/** What a record shows as its name (Case has none: its CaseNumber stands in, as in Salesforce). */
export function recordName(type: string, record: Record<string, unknown>): string | null {
  const value =
    type === 'Case' ? record.CaseNumber : type.startsWith('Content') ? (record.Title ?? record.Name) : record.Name;
  return typeof value === 'string' ? value : null;
}
