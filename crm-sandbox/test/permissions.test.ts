// Who holds which permission, in the real platforms' shape: Salesforce permission sets, custom
// permissions and their assignments read through SOQL (jsforce), ServiceNow roles through the Table
// API. Per demo user: the agent and the manager may host, the sales user may not. Nobody changes them
// through the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection } from 'jsforce';
import { DEMO } from '../src/index.ts';
import { form, passwordToken, startTestSandbox, type TestSandbox } from './helpers.ts';

const SF = DEMO.salesforce;
const SN = DEMO.servicenow;

/** The check a client makes for "does this user hold the custom permission" (no Apex needed). */
const holdsPermission = (permission: string, userId: string) =>
  [
    'SELECT COUNT() FROM SetupEntityAccess',
    "WHERE SetupEntityType = 'CustomPermission'",
    `AND SetupEntityId IN (SELECT Id FROM CustomPermission WHERE DeveloperName = '${permission}')`,
    `AND ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${userId}')`,
  ].join(' ');

describe('permissions: Salesforce setup objects, ServiceNow roles', () => {
  let t: TestSandbox;

  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.close());

  const sfAs = async (user: (typeof SF.users)[keyof typeof SF.users]) =>
    new Connection({
      instanceUrl: t.sandbox.salesforceUrl,
      accessToken: await passwordToken(t.sandbox.salesforceUrl, user),
      version: '62.0',
    });

  test('each user reads their own custom permissions with the semi-join over the setup objects', async () => {
    for (const [key, may] of [
      ['agent', true],
      ['manager', true],
      ['sales', false],
    ] as const) {
      const conn = await sfAs(SF.users[key]);
      const res = await conn.query(holdsPermission('Sightline_Start_Sessions', SF.users[key].id));
      assert.equal(res.totalSize > 0, may, `${key} ${may ? 'may' : 'may not'} start sessions`);
    }
    const sales = await sfAs(SF.users.sales);
    assert.equal((await sales.query(holdsPermission('Sightline_Create_Leads', SF.users.sales.id))).totalSize, 1);
  });

  test('permission sets, assignments and grants are queryable with their relationships', async () => {
    const conn = await sfAs(SF.users.agent);
    const sets = await conn.query<{ Name: string }>('SELECT Name FROM PermissionSet ORDER BY Name');
    assert.deepEqual(
      sets.records.map((r) => r.Name),
      ['Sightline_Agent', 'Sightline_Manager', 'Sightline_Sales', 'Sightline_Supervisor'],
    );
    const mine = await conn.query<{ PermissionSet: { Name: string } }>(
      `SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '${SF.users.manager.id}'`,
    );
    assert.deepEqual(mine.records.map((r) => r.PermissionSet.Name).sort(), [
      'Sightline_Agent',
      'Sightline_Manager',
      'Sightline_Supervisor',
    ]);
    // A supervisor's team is their reports (User.ManagerId), readable by any user as in an org.
    const reports = await conn.query<{ Id: string }>(`SELECT Id FROM User WHERE ManagerId = '${SF.users.manager.id}'`);
    assert.deepEqual(
      reports.records.map((r) => r.Id),
      [SF.users.agent.id],
    );
    const perms = await conn.query<{ DeveloperName: string }>('SELECT DeveloperName FROM CustomPermission');
    assert.equal(perms.totalSize, Object.keys(SF.customPermissions).length);
    assert.ok(perms.records.some((r) => r.DeveloperName === 'Sightline_Start_Sessions'));
  });

  test('no API user grants themselves a permission set (INSUFFICIENT_ACCESS_OR_READONLY)', async () => {
    const conn = await sfAs(SF.users.sales);
    await assert.rejects(
      conn.sobject('PermissionSetAssignment').create({
        AssigneeId: SF.users.sales.id,
        PermissionSetId: SF.permissionSets.agent.id,
      }) as Promise<unknown>,
      (err: { errorCode?: string }) => err.errorCode === 'INSUFFICIENT_ACCESS_OR_READONLY',
    );
    const res = await conn.query(holdsPermission('Sightline_Start_Sessions', SF.users.sales.id));
    assert.equal(res.totalSize, 0);
  });

  test('ServiceNow: sys_user_has_role lists held and contained roles; role tables refuse writes', async () => {
    const base = t.sandbox.servicenowUrl;
    const tokenOf = async (u: (typeof SN.users)[keyof typeof SN.users]) => {
      const res = await fetch(
        `${base}/oauth_token.do`,
        form({
          grant_type: 'password',
          client_id: DEMO.oauthClient.clientId,
          client_secret: DEMO.oauthClient.clientSecret,
          username: u.username,
          password: u.password,
        }),
      );
      return ((await res.json()) as { access_token: string }).access_token;
    };
    for (const [key, may] of [
      ['agent', true],
      ['manager', true],
      ['sales', false],
    ] as const) {
      const token = await tokenOf(SN.users[key]);
      const query = `user=${SN.users[key].id}^role.name=x_sightline_share.agent^state=active`;
      const res = await fetch(`${base}/api/now/table/sys_user_has_role?sysparm_query=${encodeURIComponent(query)}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      assert.equal(res.status, 200);
      const { result } = (await res.json()) as { result: { inherited: string }[] };
      assert.equal(result.length > 0, may, `${key} ${may ? 'holds' : 'lacks'} the agent role`);
      if (key === 'manager') assert.equal(result[0]!.inherited, 'true', 'the manager role contains the agent role');
    }
    const token = await tokenOf(SN.users.sales);
    const grant = await fetch(`${base}/api/now/table/sys_user_has_role`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ user: SN.users.sales.id, role: SN.roles.agent.id }),
    });
    assert.equal(grant.status, 403);
    assert.match(JSON.stringify(await grant.json()), /ACL Exception Insert Failed/);
  });
});
