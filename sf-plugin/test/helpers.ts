// Unit-test plumbing: @salesforce/core's TestContext under node:test (its own hooks are mocha's),
// a stubbed sf UX, and a fake org whose REST answers come from a routing function.
import { afterEach, beforeEach } from 'node:test';
import type { AnyJson } from '@salesforce/ts-types';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';

export interface FakeOrg {
  $$: TestContext;
  org: MockTestOrgData;
  ux: () => ReturnType<typeof stubSfCommandUx>;
  /** Every request URL the commands sent to the org, decoded. */
  requests: string[];
}

export function fakeOrg(answer: (url: string) => unknown): FakeOrg {
  const $$ = new TestContext({ setup: false });
  const org = new MockTestOrgData();
  const requests: string[] = [];
  let ux: ReturnType<typeof stubSfCommandUx>;
  beforeEach(async () => {
    $$.init();
    requests.length = 0;
    await $$.stubAuths(org);
    ux = stubSfCommandUx($$.SANDBOX);
    $$.fakeConnectionRequest = async (request: AnyJson) => {
      const url = decodeURIComponent(typeof request === 'string' ? request : String((request as { url: string }).url));
      requests.push(url);
      return answer(url) as AnyJson;
    };
  });
  afterEach(() => {
    $$.restore();
    process.exitCode = undefined;
  });
  return { $$, org, ux: () => ux, requests };
}

/** Everything the command printed through this.log / this.table. */
export function printed(ux: ReturnType<typeof stubSfCommandUx>): string {
  const lines = ux.log.args.map((a) => a.join(' '));
  const tables = ux.table.args.map((a) => JSON.stringify(a[0]));
  return [...lines, ...tables].join('\n');
}
