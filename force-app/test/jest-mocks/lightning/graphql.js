// lightning/graphql for jest: a test wire adapter (emit / emitErrors with an optional refresh function)
// and a gql tag that returns the query text, so a test can route data to one of several wires.
import { createTestWireAdapter } from '@salesforce/wire-service-jest-util';

export class graphql extends createTestWireAdapter() {
  static emit(data, filterFn, refresh) {
    super.emit({ data, errors: undefined, ...(refresh && { refresh }) }, filterFn);
  }

  static emitErrors(errors, filterFn, refresh) {
    super.emit({ data: undefined, errors, ...(refresh && { refresh }) }, filterFn);
  }
}

export const gql = (strings, ...values) =>
  strings.reduce((out, s, i) => out + s + (i < values.length ? values[i] : ''), '');

/** filterFn for emit: only the wire whose query has this operation name. */
export const forOperation = (name) => (config) =>
  typeof config.query === 'string' && config.query.includes(`query ${name}(`);
