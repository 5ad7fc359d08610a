// Custom fields the Salesforce package (force-app) defines on standard objects, read from its
// field-meta.xml files so describe, DML and SOQL know them as a real org with the package would.
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
};

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export function loadPackageFields(dir = OBJECTS_DIR): PackageField[] {
  if (!existsSync(dir)) return [];
  const out: PackageField[] = [];
  for (const object of readdirSync(dir)) {
    const fieldsDir = join(dir, object, 'fields');
    if (object.includes('__') || !existsSync(fieldsDir)) continue;
    for (const file of readdirSync(fieldsDir).filter((f) => f.endsWith('.field-meta.xml'))) {
      const xml = readFileSync(join(fieldsDir, file), 'utf8');
      const name = tag(xml, 'fullName');
      const type = TYPES[tag(xml, 'type') ?? ''];
      if (!name || !type) continue;
      const length = tag(xml, 'length');
      for (const target of TARGETS[object] ?? [object]) {
        out.push({
          object: target,
          name,
          type,
          label: tag(xml, 'label') ?? name,
          ...(length ? { length: Number(length) } : {}),
          required: tag(xml, 'required') === 'true',
        });
      }
    }
  }
  return out;
}
