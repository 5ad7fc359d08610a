// The one schema every Sightline process validates its configuration against.
// Defaults here are the embedded defaults: relay + local CRM sandbox on loopback.
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1);
const httpUrl = z.url({ protocol: /^https?$/ });

export const contactFieldMode = z.enum(['off', 'optional', 'required']);
export type ContactFieldMode = z.infer<typeof contactFieldMode>;

/** What an administrator allows the hosts of one group to do (from the vendors' "group policy"). */
export const policySchema = z
  .object({
    /** random: fresh digits per session; fixed: the host's own key; none: join by link only. */
    keyMode: z.enum(['random', 'fixed', 'none']).default('random'),
    keyLength: z.number().int().min(4).max(12).default(6),
    fixedKey: z
      .string()
      .regex(/^\d{4,12}$/)
      .optional(),
    guestsMayShowScreens: z.boolean().default(true),
    presentersMayShareControl: z.boolean().default(true),
    allowViewGuestScreen: z.boolean().default(true),
    /**
     * Hosts and invited agents may show their own screen to the guests ("Show my screen"). Off unless an
     * administrator allows it: an agent's screen carries CRM data about other customers.
     */
    hostsMayShowScreens: z.boolean().default(false),
    contactFields: z
      .object({
        name: contactFieldMode.default('required'),
        email: contactFieldMode.default('required'),
        phone: contactFieldMode.default('optional'),
      })
      .prefault({}),
    recording: z.enum(['never', 'host', 'always']).default('host'),
    leads: z.enum(['never', 'new_email', 'new_email_and_name']).default('new_email'),
    /**
     * Keys and links admit the first guest; later guests wait in the lobby until the host admits them.
     * An open session admits guests with the key or link straight away, up to maxGuests.
     */
    openSessions: z.boolean().default(false),
    /** Guests in the session at once (admitted ones; the lobby is capped by limits.maxLobbyPerSession). */
    maxGuests: z.number().int().min(1).max(100).default(5),
    /** A session no guest joins within this many minutes expires. */
    waitingTimeoutMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(10),
  })
  .strict()
  .refine((p) => p.keyMode !== 'fixed' || p.fixedKey !== undefined, {
    message: 'keyMode "fixed" needs policy.fixedKey (4-12 digits)',
    path: ['fixedKey'],
  });
export type Policy = z.infer<typeof policySchema>;

const salesforceSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Where agents sign in (login.salesforce.com, a My Domain, or the sandbox). */
    loginUrl: httpUrl.default('http://127.0.0.1:8081'),
    apiVersion: z
      .string()
      .regex(/^\d{2}\.0$/)
      .default('62.0'),
    clientId: z.string().min(1).default('sightline-relay-demo'),
    /** A secret: from SIGHTLINE_SALESFORCE_CLIENT_SECRET in any real deployment. */
    clientSecret: z.string().min(1).optional(),
    scope: z.string().default('api refresh_token id'),
    /** The org this relay serves (15 or 18 characters): the admin API refuses tokens of any other org. */
    orgId: z
      .string()
      .regex(/^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/, 'an Organization Id (00D..., 15 or 18 characters)')
      .optional(),
    /**
     * Who invitations are sent as (emailSimple senderType). OrgWideEmailAddress with a verified
     * address for orgs whose users have no verified sending domain (sending as CurrentUser fails there).
     */
    emailSender: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('CurrentUser') }).strict(),
        z.object({ type: z.literal('DefaultWorkflowUser') }).strict(),
        z.object({ type: z.literal('OrgWideEmailAddress'), address: z.email() }).strict(),
      ])
      .default({ type: 'CurrentUser' }),
  })
  .strict();

const servicenowSchema = z
  .object({
    enabled: z.boolean().default(true),
    instanceUrl: httpUrl.default('http://127.0.0.1:8082'),
    clientId: z.string().min(1).default('sightline-relay-demo'),
    clientSecret: z.string().min(1).optional(),
    scope: z.string().default('useraccount'),
  })
  .strict();

export const configSchema = z
  .object({
    env: z.enum(['development', 'test', 'production']).default('development'),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
    invitations: z
      .object({
        /** The company the agent works for, named in the customer's invitation ("Alex Agent, Acme Support"). */
        companyName: z.string().min(1).max(100).default('Sightline Demo Support'),
      })
      .strict()
      .prefault({}),
    relay: z
      .object({
        host: host.default('127.0.0.1'),
        port: port.default(8080),
        /** The URL customers and agents reach the relay at (the join link is built from it). */
        publicUrl: httpUrl.optional(),
        dataDir: z.string().min(1).default('.data/relay'),
        /** 32-byte key (hex or base64) that encrypts agents' refresh tokens at rest. */
        tokenEncryptionKey: z.string().min(32).optional(),
        /** Outside production without a key: where one is generated (never inside dataDir). Default ~/.config/sightline/keys. */
        devKeyDir: z.string().min(1).optional(),
        /** Extra origins (besides the CRM ones) allowed to call the relay from a browser. */
        allowedOrigins: z.array(httpUrl).default([]),
        /**
         * Addresses (or CIDR ranges, or express names such as "loopback") of the reverse proxies in front
         * of the relay: X-Forwarded-For is believed only from these. Empty: the peer address is the client.
         */
        trustedProxies: z.array(z.string().min(1).max(64)).default([]),
        /**
         * Bearer token that GET /metrics requires (Authorization: Bearer ...). Without one, /metrics is
         * not served at all.
         */
        metricsToken: z.string().min(24).optional(),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        maxFrameBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        maxMessagesPerSecond: z.number().int().positive().default(200),
        maxBytesPerSecondPerParticipant: z
          .number()
          .int()
          .positive()
          .default(8 * 1024 * 1024),
        viewerQueueFrames: z.number().int().min(2).max(1000).default(30),
        /**
         * A viewer's link: bytes it has not acknowledged stay under this much of its measured delivery
         * rate (at least viewerMinWindowBytes); a frame waiting longer than viewerMaxQueueMs is not sent
         * (that viewer skips to the next keyframe); nothing more is sent while the oldest unacknowledged
         * frame is older than viewerMaxPipeMs. Together they bound how old a slow viewer's video can be.
         */
        viewerTargetDelayMs: z.number().int().min(10).max(5000).default(250),
        viewerMinWindowBytes: z
          .number()
          .int()
          .min(1024)
          .default(64 * 1024),
        viewerMaxQueueMs: z.number().int().min(10).max(10_000).default(300),
        viewerMaxPipeMs: z.number().int().min(10).max(10_000).default(500),
        /**
         * Simulcast (a presenter that sends smaller renditions of a stream): a viewer steps up to a
         * higher rendition only when its link measured this many times that rendition's rate, and not
         * within simulcastHoldMs of stepping down; it tries the higher rendition (a probe, backing off
         * when it fails) only when its link would deliver that rendition's keyframe within
         * simulcastProbeCostMs even by a reading that small frames make too slow.
         */
        simulcastUpHeadroom: z.number().min(1).max(10).default(1.5),
        simulcastHoldMs: z.number().int().min(0).max(600_000).default(5000),
        simulcastProbeCostMs: z.number().int().min(0).max(10_000).default(1000),
        keyframeRequestIntervalMs: z.number().int().min(0).default(1000),
        wrongKeysPerSourcePerMinute: z.number().int().positive().default(5),
        /**
         * Random keys get longer as live sessions grow, so that one guess matches a live key with a
         * chance of at most 1 in this many (wrong keys are limited per source, never relay-wide).
         */
        keySpacePerLiveSession: z.number().int().min(1000).default(100_000),
        /** Sessions one agent hosts at once, and may create per minute. */
        maxLiveSessionsPerAgent: z.number().int().positive().default(10),
        sessionCreationsPerAgentPerMinute: z.number().int().positive().default(20),
        /** Guests waiting in one session's lobby at once. */
        maxLobbyPerSession: z.number().int().min(0).default(10),
        /** Open TCP connections (HTTP and WebSocket) from one address. */
        maxConnectionsPerAddress: z.number().int().positive().default(64),
        /** A request's headers must arrive within this time; an idle keep-alive connection closes after it. */
        idleTimeoutMs: z.number().int().positive().default(10_000),
        /** A WebSocket must send its first message (hello) within this time after it opens, or it is closed. */
        firstMessageTimeoutMs: z.number().int().positive().default(10_000),
        /** Control messages one socket may hold unsent; a reader slower than that is disconnected. */
        maxSocketBufferBytes: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
        /** Log entries (chat, notes, events) one session keeps; chat past it is refused. */
        maxLogEntriesPerSession: z.number().int().positive().default(5000),
        /** One session's recording in memory; past it the recording continues in an encrypted spill file. */
        recordingMemoryBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024 * 1024),
        /** One recording in all (memory and spill file): Salesforce takes 2 GB per file by multipart. */
        recordingMaxBytes: z
          .number()
          .int()
          .positive()
          .max(2 * 1024 * 1024 * 1024)
          .default(2000 * 1024 * 1024),
        /** H.264 (MP4) only: frames the faststart index reserves room for (~40 bytes each; 8 h at 10 frames/s). */
        recordingMaxPackets: z.number().int().positive().max(2_000_000).default(288_000),
        /** Every session's recordings together on one relay node (heap the relay keeps for them). */
        recordingMemoryBudgetBytes: z
          .number()
          .int()
          .positive()
          .default(512 * 1024 * 1024),
      })
      .strict()
      .refine((l) => l.recordingMemoryBytes <= l.recordingMemoryBudgetBytes, {
        message: 'limits.recordingMemoryBytes cannot exceed limits.recordingMemoryBudgetBytes',
        path: ['recordingMemoryBytes'],
      })
      .prefault({}),
    /** The CRM write-back (relay-service/src/writeback): retry schedule, concurrency, timeouts. */
    writeBack: z
      .object({
        retry: z
          .object({
            /** First retry after this long, doubling per attempt up to maxMs. */
            baseMs: z.number().int().positive().default(5_000),
            maxMs: z
              .number()
              .int()
              .positive()
              .default(15 * 60_000),
            /** A write still failing (temporarily) after this long is reported as failed; its content is kept. */
            giveUpAfterMs: z
              .number()
              .int()
              .positive()
              .default(24 * 3600_000),
          })
          .strict()
          .prefault({}),
        /** How often the outbox is looked at for writes that are due. */
        tickMs: z.number().int().positive().default(5_000),
        /** Writes in flight at once per CRM endpoint (one Salesforce org, one ServiceNow instance). */
        concurrency: z.number().int().min(1).max(64).default(4),
        /** Each HTTP call to a CRM. */
        callTimeoutMs: z.number().int().positive().default(30_000),
        /** One write (several calls, or a large upload). */
        stepTimeoutMs: z.number().int().positive().default(300_000),
        /** Per endpoint: after this many temporary failures in a row, calls pause for halfOpenAfterMs. */
        breaker: z
          .object({
            failures: z.number().int().min(1).default(5),
            halfOpenAfterMs: z.number().int().positive().default(30_000),
          })
          .strict()
          .prefault({}),
        /** How long the report of written rows (without content) is kept. Failed writes stay until handled. */
        retentionDays: z.number().positive().default(7),
      })
      .strict()
      .prefault({}),
    salesforce: salesforceSchema.prefault({}),
    servicenow: servicenowSchema.prefault({}),
    policy: z
      .object({
        groups: z.record(z.string().min(1), policySchema).default({ default: policySchema.parse({}) }),
        /** CRM username -> group name; everyone else is in "default". */
        members: z.record(z.string().min(1), z.string().min(1)).default({}),
      })
      .strict()
      .prefault({})
      .refine((p) => 'default' in p.groups, { message: 'policy.groups must define a "default" group' })
      .refine((p) => Object.values(p.members).every((g) => g in p.groups), {
        message: 'policy.members names a group that policy.groups does not define',
      }),
    sandbox: z
      .object({
        /** Run the local CRM sandbox in-process (the embedded default). */
        enabled: z.boolean().default(true),
        host: host.default('127.0.0.1'),
        salesforcePort: port.default(8081),
        servicenowPort: port.default(8082),
        dataDir: z.string().min(1).default('.data/crm-sandbox'),
        accessTokenTtlSeconds: z.number().int().positive().default(7200),
        /**
         * OAuth clients installed in the sandbox org / instance (Salesforce External Client Apps,
         * ServiceNow application registry); any other client id gets the CRM's unknown-client error.
         * Absent: the relay's configured client, the demo client and (Salesforce) the sf CLI.
         */
        installedClientIds: z.array(z.string().min(1)).optional(),
        /** Largest file the sandbox accepts in one upload (ContentVersion multipart, ServiceNow attachments). */
        maxUploadBytes: z
          .number()
          .int()
          .positive()
          .default(512 * 1024 * 1024),
        /** Salesforce: the org's file storage in MB (a Developer Edition org has 20 MB); uploads past it fail. */
        fileStorageMb: z
          .number()
          .positive()
          .default(10 * 1024),
        /** Salesforce: single-email recipients a day (5,000 in a licensed org; 50 in Developer Edition). */
        emailDailyLimit: z.number().int().positive().default(5000),
        /** Salesforce: recipients of one email (150; 15 in Developer Edition). */
        emailRecipientsPerMessage: z.number().int().positive().default(150),
        /** ServiceNow `com.glide.attachment.max_size` in MB (the platform's default: 1024). */
        attachmentMaxSizeMb: z.number().int().positive().default(1024),
        /** ServiceNow `glide.attachment.extensions`: the allowed extensions, empty for any. */
        attachmentExtensions: z.array(z.string().regex(/^[a-z0-9]{1,10}$/)).default([]),
      })
      .strict()
      .prefault({}),
    desktop: z
      .object({
        /** Lifetime of the one-time code the join page hands to the desktop app. */
        handOffTtlSeconds: z.number().int().min(10).max(600).default(120),
        /** Installer URLs the download page links to (a release pipeline publishes them). */
        downloads: z
          .object({ windows: httpUrl.optional(), macos: httpUrl.optional(), linux: httpUrl.optional() })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//)
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Cluster mode (redis.url set): how this node is reached and how fast a dead one is dropped. */
    cluster: z
      .object({
        /**
         * This node's own base URL (its WebSockets and node-to-node calls), when relay.publicUrl names
         * the load balancer in front of every node. Default: relay.publicUrl, else where it listens.
         */
        nodeUrl: httpUrl.optional(),
        heartbeatMs: z.number().int().min(100).max(10_000).default(1000),
        /** A node that has not heartbeat for this long is removed (no new sessions, lookups skip it). */
        nodeTtlMs: z.number().int().min(300).max(60_000).default(3000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type SightlineConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
