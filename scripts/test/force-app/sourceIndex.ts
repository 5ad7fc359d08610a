// What the force-app source defines (objects, fields, labels, permissions, Apex, LWC bundles), read
// from the SFDX files themselves, plus the few standard objects and fields the package relies on.
// Used by the offline metadata checks in ../force-app-metadata.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export const xml = new XMLParser({
  ignoreAttributes: true,
  isArray: (name, jpath) =>
    String(jpath).endsWith('objects.object') ||
    [
      'labels',
      'fieldPermissions',
      'objectPermissions',
      'customPermissions',
      'classAccesses',
      'values',
      'flexiPageRegions',
      'itemInstances',
      'target',
      'referenceTo',
    ].includes(name),
});

/** Standard fields used by the package; a value names the object a relationship field leads to. */
const STANDARD: Record<string, Record<string, string | null>> = {
  Case: { Id: null, CaseNumber: null, Subject: null, Status: null, ContactId: null, Contact: 'Contact' },
  Contact: { Id: null, Name: null, FirstName: null, LastName: null, Email: null, Phone: null, AccountId: null },
  Lead: {
    Id: null,
    Name: null,
    FirstName: null,
    LastName: null,
    Email: null,
    Phone: null,
    Company: null,
    LeadSource: null,
    Status: null,
    IsConverted: null,
  },
  Task: {
    Id: null,
    Subject: null,
    Description: null,
    WhatId: null,
    WhoId: null,
    Status: null,
    ActivityDate: null,
    CallDurationInSeconds: null,
    CreatedDate: null,
    CreatedById: null,
    CreatedBy: 'User',
  },
  ContentVersion: {
    Id: null,
    Title: null,
    PathOnClient: null,
    VersionData: null,
    ContentDocumentId: null,
    FirstPublishLocationId: null,
    FileExtension: null,
    ContentSize: null,
    IsLatest: null,
    CreatedDate: null,
    CreatedById: null,
    CreatedBy: 'User',
  },
  User: { Id: null, Name: null, Email: null, Username: null },
};
/** Every custom object has these. */
const CUSTOM_OBJECT_STANDARD_FIELDS: Record<string, string | null> = {
  Id: null,
  Name: null,
  CreatedDate: null,
  CreatedById: null,
  CreatedBy: 'User',
  LastModifiedDate: null,
};
/** Custom fields of Task and Event live in the Activity object folder. */
const ACTIVITY_CHILDREN = new Set(['Task', 'Event']);
const STANDARD_COMPONENTS = new Set(['force:highlightsPanel', 'force:detailPanel', 'force:relatedListContainer']);

export interface CustomField {
  type: string;
  referenceTo: string[];
}

export interface SourceIndex {
  root: string;
  /** object API name -> custom field API name -> definition */
  customFields: Map<string, Map<string, CustomField>>;
  customObjects: Set<string>;
  labels: Set<string>;
  customPermissions: Set<string>;
  apexMethods: Map<string, Set<string>>;
  lwc: Map<string, { exposed: boolean; targets: string[]; objects: string[] }>;
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const read = (path: string) => readFileSync(path, 'utf8');

export function indexSource(forceAppDefault: string): SourceIndex {
  const customFields = new Map<string, Map<string, CustomField>>();
  const customObjects = new Set<string>();
  for (const obj of list(join(forceAppDefault, 'objects'))) {
    if (existsSync(join(forceAppDefault, 'objects', obj, `${obj}.object-meta.xml`))) customObjects.add(obj);
    const fields = new Map<string, CustomField>();
    for (const f of list(join(forceAppDefault, 'objects', obj, 'fields'))) {
      const def = xml.parse(read(join(forceAppDefault, 'objects', obj, 'fields', f))).CustomField;
      fields.set(basename(f, '.field-meta.xml'), { type: def.type, referenceTo: def.referenceTo ?? [] });
    }
    customFields.set(obj, fields);
  }
  const labels = new Set<string>();
  for (const f of list(join(forceAppDefault, 'labels'))) {
    for (const l of xml.parse(read(join(forceAppDefault, 'labels', f))).CustomLabels.labels ?? [])
      labels.add(l.fullName);
  }
  const customPermissions = new Set(
    list(join(forceAppDefault, 'customPermissions')).map((f) => basename(f, '.customPermission-meta.xml')),
  );
  const apexMethods = new Map<string, Set<string>>();
  for (const f of list(join(forceAppDefault, 'classes')).filter((n) => n.endsWith('.cls'))) {
    const text = read(join(forceAppDefault, 'classes', f));
    const methods = [...text.matchAll(/@AuraEnabled(?:\([^)]*\))?\s+public\s+static\s+\w+\s+(\w+)\s*\(/g)].map(
      (m) => m[1]!,
    );
    apexMethods.set(basename(f, '.cls'), new Set(methods));
  }
  const lwc = new Map<string, { exposed: boolean; targets: string[]; objects: string[] }>();
  for (const name of list(join(forceAppDefault, 'lwc'))) {
    const metaPath = join(forceAppDefault, 'lwc', name, `${name}.js-meta.xml`);
    if (!existsSync(metaPath)) continue;
    const meta = xml.parse(read(metaPath)).LightningComponentBundle;
    const configs = [meta.targetConfigs?.targetConfig ?? []].flat();
    lwc.set(name, {
      exposed: meta.isExposed === true,
      targets: meta.targets?.target ?? [],
      objects: configs.flatMap((c: { objects?: { object?: string[] } }) => c.objects?.object ?? []),
    });
  }
  return { root: forceAppDefault, customFields, customObjects, labels, customPermissions, apexMethods, lwc };
}

export function objectExists(index: SourceIndex, object: string): boolean {
  return object in STANDARD || index.customObjects.has(object);
}

function fieldsOf(index: SourceIndex, object: string): Map<string, string | null> {
  const out = new Map<string, string | null>(Object.entries(STANDARD[object] ?? {}));
  if (index.customObjects.has(object))
    for (const [k, v] of Object.entries(CUSTOM_OBJECT_STANDARD_FIELDS)) out.set(k, v);
  const folder = ACTIVITY_CHILDREN.has(object) ? 'Activity' : object;
  for (const [name, def] of index.customFields.get(folder) ?? []) {
    out.set(name, null);
    // A custom lookup X__c is traversed as X__r.
    if (def.referenceTo.length > 0) out.set(name.replace(/__c$/, '__r'), def.referenceTo[0]!);
  }
  return out;
}

/** null when `object.a.b` resolves, else what is wrong. */
export function checkFieldPath(index: SourceIndex, object: string, path: string): string | null {
  if (!objectExists(index, object)) return `unknown object ${object}`;
  const parts = path.split('.');
  let current = object;
  for (let i = 0; i < parts.length; i++) {
    const fields = fieldsOf(index, current);
    const part = parts[i]!;
    if (!fields.has(part)) return `unknown field ${current}.${part} (in ${object}.${path})`;
    if (i < parts.length - 1) {
      const next = fields.get(part);
      if (!next) return `${current}.${part} is not a relationship (in ${object}.${path})`;
      current = next;
    }
  }
  return null;
}

export function isStandardComponent(name: string): boolean {
  return STANDARD_COMPONENTS.has(name);
}
