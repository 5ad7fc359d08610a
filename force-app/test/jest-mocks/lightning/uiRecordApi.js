// lightning/uiRecordApi for jest: LDS test wire adapters and jest.fn() imperative calls.
import { createLdsTestWireAdapter } from '@salesforce/wire-service-jest-util';

export const getRecord = createLdsTestWireAdapter(jest.fn());
export const createRecord = jest.fn();
export const updateRecord = jest.fn();
export const deleteRecord = jest.fn();
export const notifyRecordUpdateAvailable = jest.fn().mockResolvedValue();

/** Reads `Object.Field.Sub` from a UI API record, like the real getFieldValue. */
export function getFieldValue(record, field) {
  const path = (typeof field === 'string' ? field : field.fieldApiName).split('.');
  if (typeof field === 'string') path.shift(); // 'Case.Contact.Email' -> Contact.Email
  let r = record;
  for (const f of path) {
    if (!r || !r.fields || !r.fields[f]) return undefined;
    r = r.fields[f].value;
  }
  return r;
}
