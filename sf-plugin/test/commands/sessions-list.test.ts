// `sf sightline sessions list` on a fake org: the SOQL it sends for each filter, one row per session
// (the Case Task, not the Lead's), attendees joined by session id.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SessionsList from '../../src/commands/sightline/sessions/list.ts';
import { fakeOrg, printed } from '../helpers.ts';

const task = (session: string, whatId: string | null, created: string) => ({
  attributes: { type: 'Task' },
  Sightline_Session_Id__c: session,
  Subject: 'Screen share session',
  WhatId: whatId,
  What: whatId ? { Name: '00001001' } : null,
  CreatedBy: { Username: 'alex@acme.example' },
  CreatedDate: created,
  CallDurationInSeconds: 845,
});

const { org, ux, requests } = fakeOrg((url) => {
  if (url.includes('FROM Task'))
    return {
      done: true,
      totalSize: 3,
      records: [
        task('s_1', null, '2026-11-21T09:14:06.000+0000'),
        task('s_1', '500000000000001AAA', '2026-11-21T09:14:05.000+0000'),
        task('s_2', '500000000000001AAA', '2026-11-20T10:00:00.000+0000'),
      ],
    };
  if (url.includes('FROM Sightline_Attendee__c'))
    return {
      done: true,
      totalSize: 1,
      records: [
        {
          attributes: { type: 'Sightline_Attendee__c' },
          Session_Id__c: 's_1',
          Name: 'Nina New',
          Email__c: 'nina@newco.example',
          Role__c: 'Guest',
          Joined_At__c: '2026-11-21T09:01:00.000+0000',
          Left_At__c: null,
        },
      ],
    };
  return {};
});

describe('sf sightline sessions list', () => {
  test('one row per session with its Case, agent, duration and attendees', async () => {
    const sessions = await SessionsList.run(['--target-org', org.username, '--case', '500000000000001AAA']);
    assert.deepEqual(
      sessions.map((s) => [s.sessionId, s.caseId, s.caseNumber, s.durationSeconds, s.attendees.map((a) => a.name)]),
      [
        ['s_1', '500000000000001AAA', '00001001', 845, ['Nina New']],
        ['s_2', '500000000000001AAA', '00001001', 845, []],
      ],
    );
    const soql = requests.find((u) => u.includes('FROM Task'))!;
    assert.match(soql, /WHERE Sightline_Session_Id__c != null AND WhatId = '500000000000001AAA'/);
    assert.match(
      requests.find((u) => u.includes('FROM Sightline_Attendee__c'))!,
      /Session_Id__c IN \('s_1', 's_2'\)/,
    );
    const table = ux().table.firstCall.args[0] as { data: Array<Record<string, string>> };
    assert.equal(table.data[0]!.attendees, 'Nina New');
    assert.equal(table.data[0]!.minutes, '14.1');
  });

  test('--since and --agent become a dateTime literal and a quoted username', async () => {
    await SessionsList.run(['--target-org', org.username, '--since', '2026-11-01', '--agent', "o'brien@acme.example"]);
    const soql = requests.find((u) => u.includes('FROM Task'))!;
    assert.match(soql, /CreatedDate >= 2026-11-01T00:00:00Z/);
    assert.match(soql, /CreatedBy\.Username = 'o\\'brien@acme\.example'/);
  });

  test('a bad --since is refused before any query', async () => {
    await assert.rejects(SessionsList.run(['--target-org', org.username, '--since', 'last tuesday']), /is not a date/);
    assert.equal(requests.filter((u) => u.includes('FROM Task')).length, 0);
    assert.doesNotMatch(printed(ux()), /s_1/);
  });
});
