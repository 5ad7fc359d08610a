// Shared fixtures of the media-plane tests: config, silent logger, a fake clock, an agent, a record.
import { loadConfig, policySchema, type Policy, type ConfigInput, type SightlineConfig } from '@sightline/config';
import { pino } from 'pino';
import type { AgentIdentity, Clock, RecordRef } from '../../src/sessions/types.ts';

export const logger = pino({ level: 'silent' });

export function testConfig(limits: NonNullable<ConfigInput['limits']> = {}): SightlineConfig {
  return loadConfig({ env: { SIGHTLINE_ENV: 'test' }, overrides: { limits } });
}

export function policy(overrides: Partial<Policy> = {}): Policy {
  return policySchema.parse({ ...overrides });
}

export class FakeClock implements Clock {
  t = Date.UTC(2026, 10, 21, 9, 0, 0);
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const HOST: AgentIdentity = {
  crm: 'salesforce',
  userId: '005000000000001AAA',
  username: 'agent@sightline.demo',
  displayName: 'Alex Agent',
  email: 'agent@sightline.demo',
};

export const OTHER_AGENT: AgentIdentity = {
  crm: 'salesforce',
  userId: '005000000000002AAA',
  username: 'manager@sightline.demo',
  displayName: 'Morgan Manager',
};

export const RECORD: RecordRef = {
  crm: 'salesforce',
  id: '500000000000001AAA',
  label: 'Case 00001001: Printer offline',
};

export const GUEST = { name: 'Casey Customer', email: 'casey@example.com', phone: '+1 555 0100' };
