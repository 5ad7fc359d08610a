// lightning/uiRelatedListApi for the sandbox build: getRelatedListRecords reads the sandbox's UI API
// related-list resource, which answers in the real shape and under the same sharing rules.
import { assertId, rest } from '../../../lib/sandboxRest.js';

const NAME = /^[A-Za-z]\w*$/;

export class getRelatedListRecords {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.seq = 0;
  }
  connect() {}
  disconnect() {
    this.seq++; // drop answers still in flight
  }
  async update(config) {
    const { parentRecordId, relatedListId, fields, optionalFields, pageSize, sortBy } = config || {};
    if (!parentRecordId || !relatedListId) return;
    const seq = ++this.seq;
    try {
      assertId(parentRecordId);
      if (!NAME.test(relatedListId)) throw new Error(`not a related list id: ${relatedListId}`);
      const q = new URLSearchParams();
      if (fields) q.set('fields', fields.join(','));
      if (optionalFields) q.set('optionalFields', optionalFields.join(','));
      if (pageSize) q.set('pageSize', String(pageSize));
      if (sortBy) q.set('sortBy', sortBy.join(','));
      const data = await rest(`/ui-api/related-list-records/${parentRecordId}/${relatedListId}?${q}`);
      if (seq === this.seq) this.dataCallback({ data, error: undefined });
    } catch (error) {
      if (seq === this.seq) this.dataCallback({ data: undefined, error });
    }
  }
}
