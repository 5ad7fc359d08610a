// sObject describe and describeGlobal bodies, from the schema.
import type { Doc } from '../store.ts';
import { OBJECTS, type FieldDef, type ObjectDef } from './schema.ts';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  base64: 'xsd:base64Binary',
};

function urls(def: ObjectDef, version: string): Doc {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function describeField(f: FieldDef): Doc {
  const nillable = !f.required && f.type !== 'boolean' && f.type !== 'id';
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPES[f.type] ?? 'xsd:string',
    length: f.length,
    byteLength: f.length * 3,
    digits: 0,
    precision: f.type === 'double' ? 18 : 0,
    scale: 0,
    custom: f.custom,
    nillable,
    createable: f.createable,
    updateable: f.updateable,
    defaultedOnCreate: f.defaultValue !== null || f.name === 'OwnerId' || f.type === 'boolean' || !f.createable,
    defaultValue: f.defaultValue ?? null,
    calculated: f.name === 'Name' && !f.createable,
    autoNumber: f.name === 'CaseNumber',
    unique: f.type === 'id' || f.name === 'Username' || f.unique,
    externalId: f.externalId,
    idLookup: f.type === 'id' || f.name === 'Email' || f.name === 'Username' || f.externalId,
    nameField: f.name === 'Name' || f.name === 'CaseNumber',
    filterable: f.type !== 'textarea' && f.type !== 'base64',
    sortable: f.type !== 'textarea' && f.type !== 'base64',
    groupable: f.type !== 'textarea' && f.type !== 'base64' && f.type !== 'double',
    aggregatable: f.type !== 'textarea' && f.type !== 'base64',
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    polymorphicForeignKey: f.referenceTo.length > 1,
    cascadeDelete: false,
    restrictedPicklist: f.restricted,
    picklistValues: f.picklist.map((v) => ({
      active: true,
      defaultValue: v === f.defaultValue,
      label: v,
      validFor: null,
      value: v,
    })),
    htmlFormatted: false,
    htmlEncoded: false,
    deprecatedAndHidden: false,
  };
}

export function describeObject(def: ObjectDef, version: string): Doc {
  const children = [...OBJECTS.values()].flatMap((o) =>
    o.fields
      .filter((f) => f.referenceTo.includes(def.name) && f.relationshipName && !f.name.endsWith('ById'))
      .map((f) => ({
        childSObject: o.name,
        field: f.name,
        relationshipName: o.name === 'Task' ? 'Tasks' : null,
        cascadeDelete: false,
      })),
  );
  return {
    ...summary(def, version),
    fields: def.fields.map(describeField),
    childRelationships: children,
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All', name: 'everything' }],
  };
}

export function summary(def: ObjectDef, version: string): Doc {
  const readOnly = def.name === 'Organization';
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    customSetting: false,
    createable: !readOnly && def.name !== 'ContentDocument',
    updateable: !readOnly,
    deletable: !readOnly && def.name !== 'User',
    queryable: true,
    retrieveable: true,
    searchable: !readOnly,
    layoutable: !readOnly,
    triggerable: !readOnly,
    undeletable: !readOnly,
    mergeable: def.name === 'Contact' || def.name === 'Lead' || def.name === 'Account',
    replicateable: true,
    activateable: false,
    feedEnabled: false,
    hasSubtypes: false,
    isSubtype: false,
    deprecatedAndHidden: false,
    urls: urls(def, version),
  };
}

export function describeGlobal(version: string): Doc {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: [...OBJECTS.values()].map((d) => summary(d, version)) };
}
