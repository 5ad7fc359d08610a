// lightning/uiObjectInfoApi for the sandbox build: object access from the sObject describe.
import { rest } from '../../../lib/sandboxRest.js';

export class getObjectInfo {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
  }
  connect() {}
  disconnect() {}
  async update(config) {
    const name = config.objectApiName && (config.objectApiName.objectApiName || config.objectApiName);
    if (!name) return;
    try {
      const d = await rest(`/sobjects/${encodeURIComponent(name)}/describe`);
      this.dataCallback({
        data: { apiName: d.name, createable: d.createable === true, updateable: d.updateable === true },
        error: undefined,
      });
    } catch (error) {
      this.dataCallback({ data: undefined, error });
    }
  }
}
