// The desktop story end to end against the CRM sandbox and a real relay: the customer's join page
// offers the app and hands the session over with a one-time code; the app logic (main-process modules
// in Node, the relay socket the renderer holds) joins and shares the right-hand monitor of an Xvfb
// display; the agent requests control, the customer grants it, the agent clicks a button in an X
// window on the customer's display and types into it; the customer takes control back; the Task the
// write-back puts on the Case lists the grant and the revoke.
// (The renderer's capture in Chromium is desktop-capture.test.ts; here the agent speaks the relay
// protocol from Node, as the console does.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSessionResponseSchema,
  handOffResponseSchema,
  ticketResponseSchema,
} from '@sightline/relay-service/protocol';
import { DEMO, startStack } from '../relay-service/test/helpers/stack.ts';
import { TestClient } from '../relay-service/test/helpers/wsClient.ts';
import { XTestInput } from '../desktop-client/src/XTestInput.ts';
import { openApp } from '../desktop-client/test/helpers/appSide.ts';
import { RecordingWindow } from '../desktop-client/test/helpers/RecordingWindow.ts';
import { startXvfb } from '../desktop-client/test/helpers/xvfb.ts';
import { launchChromium, person } from './support/browser.ts';
import { caseTaskOf, salesforceAs } from './support/crm.ts';
import { giveContactDetails } from './support/pages.ts';

const CASE = DEMO.salesforce.cases.printer;
const RIGHT = { id: '2', label: 'Right', bounds: { x: 1280, y: 0, width: 1280, height: 800 } };

test(
  'join page -> app -> control granted, used, taken back -> the CRM log shows it',
  { timeout: 180_000 },
  async (t) => {
    const stack = await startStack(t);
    const jar = await stack.signInAgent();
    const created = createSessionResponseSchema.parse(
      await (
        await stack.api('/api/sessions', { method: 'POST', jar, body: { crm: 'salesforce', recordId: CASE } })
      ).json(),
    );
    const ticket = ticketResponseSchema.parse(
      await (await stack.api(`/api/sessions/${created.sessionId}/ticket`, { method: 'POST', jar, body: {} })).json(),
    );
    const agent = await TestClient.connect(ticket.wsUrl, ticket.ticket);
    t.after(() => agent.close());

    // The customer opens the emailed link; the join page offers the app.
    const browser = await launchChromium();
    t.after(() => browser.close());
    const customer = await person(browser, 'customer');
    await customer.page.goto(created.joinUrl);
    await giveContactDetails(customer.page, { name: 'Casey Customer', email: 'casey@newco.example' });
    await customer.page.getByText('Let the agent see your whole screen or control it').waitFor();
    const handOffAnswer = customer.page.waitForResponse((r) => r.url().endsWith('/api/desktop/handoff'));
    await customer.page.getByRole('button', { name: 'Open the Sightline app' }).click();
    const handOff = handOffResponseSchema.parse(await (await handOffAnswer).json());
    assert.ok(!handOff.appUrl.includes(created.joinUrl.split('/j/')[1]!), 'the link token stays in the browser');
    await customer.page.getByRole('link', { name: 'Download the Sightline app' }).waitFor();
    assert.deepEqual(customer.problems, []);

    // The app takes over on the customer's two-monitor X display and shares the right-hand monitor.
    const x = await startXvfb(t);
    const input = await XTestInput.open(x.display);
    t.after(() => input.close());
    const app = await openApp({
      appUrl: handOff.appUrl,
      allowedRelays: [stack.relay.url],
      input,
      suspendMs: 1000,
      contact: { name: 'Casey Customer', email: 'casey@newco.example' },
    });
    t.after(() => app.close());
    const button = await RecordingWindow.open(x.display, { x: 1280 + 600, y: 380, width: 120, height: 40 });
    const field = await RecordingWindow.open(x.display, { x: 1280 + 400, y: 500, width: 480, height: 40 });
    t.after(() => (button.close(), field.close()));
    await app.share(RIGHT);
    await agent.waitFor('stream-start');

    agent.send({ type: 'control-request' });
    const request = await app.waitForRequest();
    assert.equal(request.fromName, 'Alex Agent');
    app.control.grant();
    await agent.waitForSession((s) => s.controllerId === request.from);

    // The button's centre (1280+660, 400) is 51.5625% / 50% of the right-hand monitor.
    const at = (px: number, py: number) => ({ x: (px - 1280) / 1280, y: py / 800 });
    for (const action of ['move', 'down', 'up'] as const)
      agent.send({ type: 'input', event: { kind: 'pointer', action, ...at(1940, 400), button: 0 } });
    const [click] = await button.waitFor('ButtonPress', 1);
    assert.deepEqual([click!.x, click!.y], [60, 20], 'the click lands in the middle of the button');
    for (const action of ['down', 'up'] as const)
      agent.send({ type: 'input', event: { kind: 'pointer', action, ...at(1880, 520), button: 0 } });
    await field.waitFor('ButtonPress', 1);
    for (const code of ['KeyO', 'KeyK', 'Enter'])
      for (const action of ['down', 'up'] as const)
        agent.send({ type: 'input', event: { kind: 'key', action, key: code, code, modifiers: [] } });
    const typed = await field.waitFor('KeyPress', 3);
    assert.deepEqual(
      typed.map((k) => k.keycode),
      ['KeyO', 'KeyK', 'Enter'].map((c) => input.keycodeOf(c)),
    );

    app.control.takeBack();
    await agent.waitForSession((s) => s.controllerId === null);
    agent.send({ type: 'input', event: { kind: 'pointer', action: 'down', ...at(1940, 400), button: 0 } });
    await agent.waitFor('error', (m) => m.ref === 'input');
    await button.sync();
    assert.equal(button.of('ButtonPress').length, 1, 'nothing arrives after the customer took control back');

    // The agent ends the session; the write-back puts the log on the Case as the agent.
    const end = await stack.api(`/api/sessions/${created.sessionId}/end`, { method: 'POST', jar, body: {} });
    assert.equal(end.status, 200);
    const conn = await salesforceAs(stack.sandbox.salesforceUrl, DEMO.salesforce.users.agent);
    const task = await caseTaskOf(conn, created.sessionId, CASE);
    assert.match(task.Description ?? '', /asked for control/);
    assert.match(task.Description ?? '', /granted control to Alex Agent/);
    assert.match(task.Description ?? '', /revoked control from Alex Agent/);
  },
);
