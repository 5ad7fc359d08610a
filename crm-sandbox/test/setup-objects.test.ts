// Setup objects and resources an admin tool reads: Trusted URLs (data and Tooling API), the External
// Client App (Tooling API only, as in Salesforce), REST limits, and collection updates.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../src/index.ts';
import { passwordToken, startTestSandbox, type TestSandbox } from './helpers.ts';

describe('setup objects, Tooling API and limits', () => {
  let t: TestSandbox;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads its own response shape
  let get: (path: string) => Promise<{ status: number; body: any }>;
  let token: string;
  before(async () => {
    t = await startTestSandbox();
    t.sandbox.setRelayUrl('https://relay.acme.example');
    token = await passwordToken(t.sandbox.salesforceUrl);
    get = async (path) => {
      const res = await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: await res.json() };
    };
  });
  after(() => t.close());

  const q = (soql: string) => `?q=${encodeURIComponent(soql)}`;

  test('the package Trusted URLs point at the relay, https and wss, through both APIs', async () => {
    const soql =
      'SELECT DeveloperName, EndpointUrl, IsActive, IsApplicableToConnectSrc, Context FROM CspTrustedSite ORDER BY DeveloperName';
    for (const api of ['/query', '/tooling/query']) {
      const res = await get(`${api}${q(soql)}`);
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.records.map((r: Record<string, unknown>) => [r.DeveloperName, r.EndpointUrl, r.IsActive, r.Context]),
        [
          ['Sightline_Relay', 'https://relay.acme.example', true, 'LEX'],
          ['Sightline_Relay_WebSocket', 'wss://relay.acme.example', true, 'LEX'],
        ],
      );
    }
  });

  test('ExternalClientApplication answers on the Tooling API only; data objects are not Tooling objects', async () => {
    const eca = "SELECT Id, DeveloperName FROM ExternalClientApplication WHERE DeveloperName = 'Sightline_Relay'";
    const tooling = await get(`/tooling/query${q(eca)}`);
    assert.equal(tooling.status, 200);
    assert.equal(tooling.body.records.length, 1);
    const data = await get(`/query${q(eca)}`);
    assert.equal(data.status, 400);
    assert.equal(data.body[0].errorCode, 'INVALID_TYPE');
    const wrong = await get(`/tooling/query${q('SELECT Id FROM Case')}`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body[0].errorCode, 'INVALID_TYPE');
  });

  test("limits: SingleEmail counts the day's emailSimple recipients", async () => {
    const before = (await get('/limits')).body.SingleEmail;
    assert.deepEqual(before, { Max: 5000, Remaining: 5000 });
    const send = await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/actions/standard/emailSimple`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [
          {
            emailAddresses: 'a@x.example, b@x.example',
            emailSubject: 'Hi',
            emailBody: 'Join',
            senderType: 'CurrentUser',
          },
        ],
      }),
    });
    assert.equal(send.status, 200);
    assert.equal((await get('/limits')).body.SingleEmail.Remaining, 4998);
  });

  test('PATCH /composite/sobjects updates each record by its Id (any case), one result each', async () => {
    const contacts = Object.values(DEMO.salesforce.contacts).slice(0, 2);
    const res = await fetch(`${t.sandbox.salesforceUrl}/services/data/v62.0/composite/sobjects`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        allOrNone: false,
        records: [
          { attributes: { type: 'Contact' }, id: contacts[0]!.id, Title: 'CTO' },
          { attributes: { type: 'Contact' }, Id: contacts[1]!.id, Title: 'CIO' },
          { attributes: { type: 'Contact' }, Title: 'nobody' },
        ],
      }),
    });
    const out = (await res.json()) as { success: boolean; errors: { statusCode: string }[] }[];
    assert.deepEqual(
      out.map((r) => r.success),
      [true, true, false],
    );
    assert.equal(out[2]!.errors[0]!.statusCode, 'MISSING_ARGUMENT');
    const titles = await get(
      `/query${q(`SELECT Title FROM Contact WHERE Id IN ('${contacts[0]!.id}', '${contacts[1]!.id}') ORDER BY Title`)}`,
    );
    assert.deepEqual(
      titles.body.records.map((r: { Title: string }) => r.Title),
      ['CIO', 'CTO'],
    );
  });
});
