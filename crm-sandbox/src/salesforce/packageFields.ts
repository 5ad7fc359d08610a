// What the Salesforce package (force-app) adds to an org: custom fields on standard objects and its
// custom objects, read from the field-meta.xml / object-meta.xml files, so describe, DML and SOQL know
// them as a real org with the package installed would.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FieldType } from './schema.ts';

export interface PackageField {
  object: string;
  name: string;
  type: FieldType;
  label: string;
  length?: number;
  required: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  picklist?: string[];
  restricted?: boolean;
  externalId?: boolean;
  unique?: boolean;
}

export interface PackageObject {
  name: string;
  label: string;
  plural: string;
  /** Objects whose sharing is controlled by a master record have no owner. */
  owned: boolean;
  autoNumberName: boolean;
}

const OBJECTS_DIR = resolve(import.meta.dirname, '../../../force-app/main/default/objects');

/** Activity fields exist on Task (and Event, which the sandbox does not model). */
const TARGETS: Record<string, string[]> = { Activity: ['Task'] };

const TYPES: Record<string, FieldType> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Number: 'double',
  Currency: 'double',
  Percent: 'double',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Picklist: 'picklist',
  Lookup: 'reference',
  MasterDetail: 'reference',
};

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

function parseField(object: string, xml: string): PackageField | undefined {
  const name = tag(xml, 'fullName');
  const rawType = tag(xml, 'type') ?? '';
  const type = TYPES[rawType];
  if (!name || !type) return undefined;
  const length = tag(xml, 'length');
  const referenceTo = tag(xml, 'referenceTo');
  const values = [...xml.matchAll(/<value>\s*<fullName>([^<]*)<\/fullName>/g)].map((m) => m[1]!);
  return {
    object,
    name,
    type,
    label: tag(xml, 'label') ?? name,
    required: tag(xml, 'required') === 'true' || rawType === 'MasterDetail',
    ...(length ? { length: Number(length) } : {}),
    ...(referenceTo ? { referenceTo: [referenceTo], relationshipName: name.replace(/__c$/, '__r') } : {}),
    ...(type === 'picklist' ? { picklist: values, restricted: tag(xml, 'restricted') === 'true' } : {}),
    ...(tag(xml, 'externalId') === 'true' ? { externalId: true } : {}),
    ...(tag(xml, 'unique') === 'true' ? { unique: true } : {}),
  };
}

export function loadPackageMetadata(dir = OBJECTS_DIR): { objects: PackageObject[]; fields: PackageField[] } {
  const objects: PackageObject[] = [];
  const fields: PackageField[] = [];
  if (!existsSync(dir)) return { objects, fields };
  for (const object of readdirSync(dir).sort()) {
    // Custom metadata types (__mdt) are deployment settings, not records the product reads over REST.
    if (object.endsWith('__mdt')) continue;
    const objectFile = join(dir, object, `${object}.object-meta.xml`);
    if (object.endsWith('__c') && existsSync(objectFile)) {
      const xml = readFileSync(objectFile, 'utf8');
      const nameField = /<nameField>([\s\S]*?)<\/nameField>/.exec(xml)?.[1] ?? '';
      objects.push({
        name: object,
        label: tag(xml, 'label') ?? object,
        plural: tag(xml, 'pluralLabel') ?? object,
        owned: tag(xml, 'sharingModel') !== 'ControlledByParent',
        autoNumberName: tag(nameField, 'type') === 'AutoNumber',
      });
    }
    const fieldsDir = join(dir, object, 'fields');
    if (!existsSync(fieldsDir)) continue;
    for (const file of readdirSync(fieldsDir).filter((f) => f.endsWith('.field-meta.xml'))) {
      const xml = readFileSync(join(fieldsDir, file), 'utf8');
      for (const target of TARGETS[object] ?? [object]) {
        const f = parseField(target, xml);
        if (f) fields.push(f);
      }
    }
  }
  return { objects, fields };
}
