// Setup objects an admin tool reads: CSP Trusted Sites (Trusted URLs; REST and Tooling API) and the
// External Client App header (Tooling API only). The package's two Trusted URLs are seeded as a
// deploy creates them, and follow the sandbox's relay URL as an admin would point them at the relay.
import { salesforceId } from '../ids.ts';
import type { Doc, Store } from '../store.ts';
import { sfDateTime } from '../time.ts';
import type { FieldSpec } from './schema.ts';

const readOnly = (type: FieldSpec['type'], extra: Partial<FieldSpec> = {}): FieldSpec => ({
  type,
  createable: false,
  ...extra,
});

interface SetupSpec {
  name: string;
  label: string;
  plural: string;
  prefix: string;
  owned: boolean;
  fields: Record<string, FieldSpec>;
}

export const SETUP_SPECS: SetupSpec[] = [
  {
    name: 'CspTrustedSite',
    label: 'Trusted URL',
    plural: 'Trusted URLs',
    prefix: '08y',
    owned: false,
    fields: {
      DeveloperName: { type: 'string', length: 80, required: true },
      MasterLabel: { type: 'string', length: 80 },
      EndpointUrl: { type: 'string', length: 255, required: true },
      Description: { type: 'textarea', length: 255 },
      IsActive: { type: 'boolean', defaultValue: true },
      Context: {
        type: 'picklist',
        picklist: ['All', 'LEX', 'Communities', 'VisualForce', 'FieldServiceMobileExtension'],
        defaultValue: 'All',
      },
      IsApplicableToConnectSrc: { type: 'boolean', defaultValue: true },
      IsApplicableToFrameSrc: { type: 'boolean', defaultValue: false },
      IsApplicableToImgSrc: { type: 'boolean', defaultValue: false },
      IsApplicableToMediaSrc: { type: 'boolean', defaultValue: false },
      IsApplicableToStyleSrc: { type: 'boolean', defaultValue: false },
      IsApplicableToFontSrc: { type: 'boolean', defaultValue: false },
    },
  },
  {
    name: 'ExternalClientApplication',
    label: 'External Client App',
    plural: 'External Client Apps',
    prefix: '0xI',
    owned: false,
    fields: {
      DeveloperName: readOnly('string', { length: 40 }),
      MasterLabel: readOnly('string', { length: 80 }),
      DistributionState: readOnly('picklist', { picklist: ['Local', 'Packaged'] }),
      ContactEmail: readOnly('email'),
    },
  },
];

/** Objects only the Tooling API answers; the data API says INVALID_TYPE for them, as Salesforce does. */
export const TOOLING_ONLY = new Set(['externalclientapplication']);
/** Objects the Tooling API answers (setup metadata); anything else is INVALID_TYPE there. */
export const TOOLING_OBJECTS = new Set([
  'csptrustedsite',
  'externalclientapplication',
  'permissionset',
  'permissionsetassignment',
  'custompermission',
  'setupentityaccess',
  'user',
  'organization',
]);

export const TRUSTED_SITES = { https: salesforceId('08y', 1), wss: salesforceId('08y', 2) };
export const EXTERNAL_CLIENT_APP_ID = salesforceId('0xI', 1);

export function seedSetup(store: Store, adminId: string): void {
  const at = sfDateTime(new Date(Date.now() - 30 * 86_400_000));
  const base = (id: string): Doc => ({
    Id: id,
    IsDeleted: false,
    CreatedDate: at,
    CreatedById: adminId,
    LastModifiedDate: at,
    LastModifiedById: adminId,
    SystemModstamp: at,
  });
  const site = (developerName: string, endpoint: string): Doc => ({
    DeveloperName: developerName,
    MasterLabel: developerName,
    EndpointUrl: endpoint,
    Description: 'Sightline relay',
    IsActive: true,
    Context: 'LEX',
    IsApplicableToConnectSrc: true,
    IsApplicableToFrameSrc: false,
    IsApplicableToImgSrc: false,
    IsApplicableToMediaSrc: false,
    IsApplicableToStyleSrc: false,
    IsApplicableToFontSrc: false,
  });
  store.insert('salesforce', 'CspTrustedSite', TRUSTED_SITES.https, {
    ...base(TRUSTED_SITES.https),
    ...site('Sightline_Relay', 'https://sightline-relay.example.com'),
  });
  store.insert('salesforce', 'CspTrustedSite', TRUSTED_SITES.wss, {
    ...base(TRUSTED_SITES.wss),
    ...site('Sightline_Relay_WebSocket', 'wss://sightline-relay.example.com'),
  });
  store.insert('salesforce', 'ExternalClientApplication', EXTERNAL_CLIENT_APP_ID, {
    ...base(EXTERNAL_CLIENT_APP_ID),
    DeveloperName: 'Sightline_Relay',
    MasterLabel: 'Sightline Relay',
    DistributionState: 'Local',
    ContactEmail: 'admin@example.com',
  });
}

/** Points the package's Trusted URLs at the relay (what install step 3 asks an admin to do). */
export function pointTrustedSitesAt(store: Store, relayUrl: string): void {
  const origin = new URL(relayUrl).origin;
  const endpoints: Array<[string, string]> = [
    [TRUSTED_SITES.https, origin],
    [TRUSTED_SITES.wss, origin.replace(/^http/, 'ws')],
  ];
  for (const [id, endpoint] of endpoints) {
    const row = store.get('salesforce', id);
    if (row && row.data.EndpointUrl !== endpoint) store.update(id, { ...row.data, EndpointUrl: endpoint });
  }
}
