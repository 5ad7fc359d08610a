// lightning/uiRelatedListApi for jest: an LDS test wire adapter for getRelatedListRecords.
import { createLdsTestWireAdapter } from '@salesforce/wire-service-jest-util';

export const getRelatedListRecords = createLdsTestWireAdapter(jest.fn());
