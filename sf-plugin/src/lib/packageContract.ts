// What the Sightline package (force-app) puts in an org and the relay writes to: the names the
// CLI checks for and queries. A unit test holds this list against force-app's source.
export const PACKAGE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Task: ['Sightline_Session_Id__c'],
  ContentVersion: ['Sightline_Session_Id__c', 'Sightline_Duration_Seconds__c'],
  Sightline_Attendee__c: [
    'Case__c',
    'Session_Id__c',
    'Attendee_Key__c',
    'Email__c',
    'Phone__c',
    'Role__c',
    'Joined_At__c',
    'Left_At__c',
    'Contact__c',
    'Lead__c',
  ],
};

export const PERMISSION_SETS = {
  agent: 'Sightline_Agent',
  manager: 'Sightline_Manager',
  sales: 'Sightline_Sales',
} as const;
export type Persona = keyof typeof PERMISSION_SETS;

/** The custom permission the relay's admin API requires (granted by Sightline_Manager). */
export const ADMIN_PERMISSION = 'Sightline_Admin';

export const EXTERNAL_CLIENT_APP = 'Sightline_Relay';
