// `sf sightline org check`: everything a Sightline org needs, one item per requirement, each with
// what was found and the one step that fixes it. Every CRM answer is validated before it is read.
import type { Connection } from '@salesforce/core';
import { z } from 'zod';
import { EXTERNAL_CLIENT_APP, PACKAGE_FIELDS, PERMISSION_SETS, type Persona } from './packageContract.ts';
import type { RelayClient } from './relayClient.ts';
import type { CheckItem } from './results.ts';
import { quote, quoteList } from './soql.ts';

export interface OrgCheckInput {
  conn: Connection;
  orgId: string;
  relay: RelayClient;
  /** Usernames that must hold each persona's permission set. */
  users: Record<Persona, string[]>;
}

const describeSchema = z.object({ name: z.string(), fields: z.array(z.object({ name: z.string() })) });
const records = <S extends z.ZodType>(row: S) => z.object({ records: z.array(row) });
const permSetRow = z.object({ Id: z.string(), Name: z.string() });
const assignmentRow = z.object({
  PermissionSet: z.object({ Name: z.string() }).nullable(),
  Assignee: z.object({ Username: z.string() }).nullable(),
});
const cspRow = z.object({
  DeveloperName: z.string(),
  EndpointUrl: z.string(),
  IsActive: z.boolean(),
  IsApplicableToConnectSrc: z.boolean().nullable(),
  Context: z.string().nullable(),
});
const ecaRow = z.object({ Id: z.string(), DeveloperName: z.string() });
const limitsSchema = z.object({ SingleEmail: z.object({ Max: z.number(), Remaining: z.number() }) });

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function checkOrg(input: OrgCheckInput): Promise<CheckItem[]> {
  const [objects, permissionSets, eca, csp, relay, email] = await Promise.all([
    checkPackageObjects(input.conn),
    checkPermissionSets(input.conn, input.users),
    checkExternalClientApp(input.conn),
    checkCspTrustedSites(input.conn, input.relay.origin),
    checkRelay(input),
    checkEmail(input.conn),
  ]);
  return [...objects, ...permissionSets, eca, ...csp, ...relay, email];
}

async function checkPackageObjects(conn: Connection): Promise<CheckItem[]> {
  return Promise.all(
    Object.entries(PACKAGE_FIELDS).map(async ([object, wanted]): Promise<CheckItem> => {
      const check = `Package object ${object}`;
      try {
        const described = describeSchema.parse(await conn.describe(object));
        const have = new Set(described.fields.map((f) => f.name.toLowerCase()));
        const missing = wanted.filter((f) => !have.has(f.toLowerCase()));
        if (missing.length === 0) return { check, ok: true, detail: `${wanted.length} Sightline fields present` };
        return {
          check,
          ok: false,
          detail: `missing ${missing.join(', ')}`,
          fix: 'Deploy the package: sf project deploy start --source-dir force-app',
        };
      } catch (err) {
        return {
          check,
          ok: false,
          detail: errorText(err),
          fix: 'Deploy the package: sf project deploy start --source-dir force-app',
        };
      }
    }),
  );
}

async function checkPermissionSets(conn: Connection, users: Record<Persona, string[]>): Promise<CheckItem[]> {
  const names = Object.values(PERMISSION_SETS);
  let existing: Set<string>;
  let assignments: { set: string; username: string }[];
  try {
    const sets = records(permSetRow).parse(
      await conn.query(`SELECT Id, Name FROM PermissionSet WHERE Name IN (${quoteList(names)})`),
    );
    existing = new Set(sets.records.map((r) => r.Name));
    const rows = records(assignmentRow).parse(
      await conn.query(
        `SELECT PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment WHERE PermissionSet.Name IN (${quoteList(names)})`,
      ),
    );
    assignments = rows.records.flatMap((r) =>
      r.PermissionSet && r.Assignee ? [{ set: r.PermissionSet.Name, username: r.Assignee.Username.toLowerCase() }] : [],
    );
  } catch (err) {
    return [
      {
        check: 'Permission sets',
        ok: false,
        detail: errorText(err),
        fix: 'Run the check as a user with View Setup and Configuration.',
      },
    ];
  }
  return (Object.entries(PERMISSION_SETS) as [Persona, string][]).map(([persona, name]) => {
    const check = `Permission set ${name}`;
    if (!existing.has(name))
      return {
        check,
        ok: false,
        detail: 'not in the org',
        fix: 'Deploy the package: sf project deploy start --source-dir force-app',
      };
    const holders = assignments.filter((a) => a.set === name).map((a) => a.username);
    const missing = users[persona].filter((u) => !holders.includes(u.toLowerCase()));
    if (missing.length)
      return {
        check,
        ok: false,
        detail: `not assigned to ${missing.join(', ')}`,
        fix: `sf org assign permset --name ${name} --on-behalf-of ${missing.join(' --on-behalf-of ')}`,
      };
    if (holders.length === 0)
      return {
        check,
        ok: false,
        detail: 'assigned to nobody',
        fix: `sf org assign permset --name ${name} --on-behalf-of <username>`,
      };
    return { check, ok: true, detail: `assigned to ${holders.length} user${holders.length === 1 ? '' : 's'}` };
  });
}

async function checkExternalClientApp(conn: Connection): Promise<CheckItem> {
  const check = `External Client App ${EXTERNAL_CLIENT_APP}`;
  const fix =
    'Deploy the package (it ships the External Client App), then set its callback to <relay>/auth/salesforce/callback.';
  try {
    const apps = records(ecaRow).parse(
      await conn.tooling.query(
        `SELECT Id, DeveloperName FROM ExternalClientApplication WHERE DeveloperName = ${quote(EXTERNAL_CLIENT_APP)}`,
      ),
    );
    return apps.records.length
      ? { check, ok: true, detail: 'installed' }
      : { check, ok: false, detail: 'not installed', fix };
  } catch (err) {
    return { check, ok: false, detail: errorText(err), fix };
  }
}

async function checkCspTrustedSites(conn: Connection, relayOrigin: string): Promise<CheckItem[]> {
  const wsOrigin = relayOrigin.replace(/^http/, 'ws');
  let sites: z.infer<typeof cspRow>[];
  try {
    sites = records(cspRow).parse(
      await conn.query(
        'SELECT DeveloperName, EndpointUrl, IsActive, IsApplicableToConnectSrc, Context FROM CspTrustedSite WHERE IsActive = true',
      ),
    ).records;
  } catch (err) {
    return [
      {
        check: 'CSP Trusted Sites',
        ok: false,
        detail: errorText(err),
        fix: 'Run the check as a user with View Setup and Configuration.',
      },
    ];
  }
  const covers = (origin: string) =>
    sites.find(
      (s) =>
        originOf(s.EndpointUrl) === origin &&
        s.IsApplicableToConnectSrc !== false &&
        (s.Context === null || s.Context === 'All' || s.Context === 'LEX'),
    );
  return [relayOrigin, wsOrigin].map((origin) => {
    const site = covers(origin);
    const check = `CSP Trusted Site for ${origin}`;
    if (site) return { check, ok: true, detail: `${site.DeveloperName} (connect-src, ${site.Context ?? 'All'})` };
    return {
      check,
      ok: false,
      detail: 'no active connect-src entry for Lightning Experience',
      fix: `Setup > Trusted URLs: add ${origin} with connect-src, context LEX or All${origin.startsWith('ws') ? ' (an https entry does not cover WebSockets)' : ''}.`,
    };
  });
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The Lightning origin of a My Domain instance (acme.my.salesforce.com -> acme.lightning.force.com). */
export function lightningOrigin(instanceUrl: string): string {
  const url = new URL(instanceUrl);
  const m = /^(.+?)\.my\.salesforce\.com$/.exec(url.hostname);
  return m ? `https://${m[1]}.lightning.force.com` : url.origin;
}

async function checkRelay({ relay, conn, orgId }: OrgCheckInput): Promise<CheckItem[]> {
  const reach = 'Relay reachable';
  try {
    const health = await relay.health();
    if (health.status !== 'ok')
      return [
        {
          check: reach,
          ok: false,
          detail: `${relay.origin}/healthz says ${health.status}`,
          fix: 'Look at the relay logs.',
        },
      ];
  } catch (err) {
    return [
      { check: reach, ok: false, detail: errorText(err), fix: 'Check --relay-url and that the relay is running.' },
    ];
  }
  const reachable: CheckItem = { check: reach, ok: true, detail: relay.origin };
  let config;
  try {
    config = await relay.config();
  } catch (err) {
    return [
      reachable,
      {
        check: 'Relay admin API',
        ok: false,
        detail: errorText(err),
        fix: 'Assign Sightline Manager (grants Sightline_Admin) to yourself.',
      },
    ];
  }
  const origin = lightningOrigin(conn.instanceUrl);
  const originOk = config.allowedOrigins.includes(origin);
  const orgOk = config.salesforce.orgId === orgId;
  return [
    reachable,
    originOk
      ? { check: 'Relay allows this org', ok: true, detail: `${origin} is an allowed origin` }
      : {
          check: 'Relay allows this org',
          ok: false,
          detail: `${origin} is not an allowed origin`,
          fix: `Add ${origin} to SIGHTLINE_ALLOWED_ORIGINS on the relay.`,
        },
    orgOk
      ? { check: 'Relay configured for this org', ok: true, detail: `org ${orgId}` }
      : {
          check: 'Relay configured for this org',
          ok: false,
          detail: config.salesforce.orgId ? `relay serves org ${config.salesforce.orgId}` : 'relay has no org id set',
          fix: `Set SIGHTLINE_SALESFORCE_ORG_ID=${orgId} on the relay.`,
        },
  ];
}

async function checkEmail(conn: Connection): Promise<CheckItem> {
  const check = 'Email for invitations';
  try {
    const limits = limitsSchema.parse(await conn.limits());
    const { Max, Remaining } = limits.SingleEmail;
    if (Remaining > 0) return { check, ok: true, detail: `${Remaining} of ${Max} single emails left today` };
    return {
      check,
      ok: false,
      detail: Max === 0 ? 'the org may send no email' : `daily single-email limit (${Max}) used up`,
      fix: 'Setup > Deliverability: Access level "All email"; or wait for the daily limit to reset.',
    };
  } catch (err) {
    return { check, ok: false, detail: errorText(err), fix: 'Setup > Deliverability: Access level "All email".' };
  }
}
