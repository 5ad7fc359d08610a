// The app's settings, baked into a release (package.json "sightline" key via electron-builder's
// extraMetadata) and overridable for a managed install through the environment. Validated once.
import { z } from 'zod';

export const appConfigSchema = z
  .object({
    /** Relays this build may join: a sightline:// link naming any other relay is refused. */
    allowedRelays: z.array(z.url({ protocol: /^https?$/ })).min(1),
    /** How long the customer's own mouse or keyboard activity holds remote input back. */
    localPriorityMs: z.number().int().min(250).max(10_000).default(1500),
    /** Border thickness in pixels. */
    borderPx: z.number().int().min(2).max(16).default(5),
  })
  .strict();
export type AppConfig = z.infer<typeof appConfigSchema>;

export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

export class AppConfigLoader {
  /** `baked` is package.json's "sightline" value; SIGHTLINE_DESKTOP_RELAYS (comma-separated) and
   * SIGHTLINE_DESKTOP_LOCAL_PRIORITY_MS override it. */
  static load(baked: unknown, env: NodeJS.ProcessEnv): AppConfig {
    const base = typeof baked === 'object' && baked !== null ? { ...baked } : {};
    const merged: Record<string, unknown> = base;
    if (env.SIGHTLINE_DESKTOP_RELAYS)
      merged.allowedRelays = env.SIGHTLINE_DESKTOP_RELAYS.split(',').map((s) => s.trim());
    if (env.SIGHTLINE_DESKTOP_LOCAL_PRIORITY_MS)
      merged.localPriorityMs = Number(env.SIGHTLINE_DESKTOP_LOCAL_PRIORITY_MS);
    const parsed = appConfigSchema.safeParse(merged);
    if (!parsed.success)
      throw new AppConfigError(
        `invalid app settings: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ')}`,
      );
    return parsed.data;
  }
}
