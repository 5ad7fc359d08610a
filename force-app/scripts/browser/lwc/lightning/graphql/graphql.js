// lightning/graphql for the sandbox build: the wire runs the query through graphqlToSoql against the
// sandbox's REST API; result.refresh() re-runs it and resolves once the fresh data is delivered.
import { runGraphQL } from '../../../lib/graphqlToSoql.js';

export function gql(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? values[i] : ''), '');
}

export class graphql {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
    this.seq = 0;
  }

  update(config) {
    this.config = config;
    this.run();
  }

  connect() {}

  disconnect() {
    this.seq++; // drop answers still in flight
  }

  async run() {
    const { query, variables } = this.config || {};
    if (!query) return;
    const seq = ++this.seq;
    const result = await runGraphQL(query, variables || {});
    if (seq !== this.seq) return;
    this.dataCallback({ ...result, refresh: () => this.run() });
  }
}
