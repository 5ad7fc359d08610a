// Cluster mode: the OAuth sign-ins under way (auth/OAuthStateStore.ts) in Redis, so the CRM may send
// the browser back to any node. Each holds a PKCE verifier, so it is sealed with the relay key (bound
// to its handle), expires on its own, and is read and removed in one command (one use).
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { PendingSignIn, SharedPendingSignIns } from '../auth/OAuthStateStore.ts';
import type { TokenCipher } from '../auth/TokenCipher.ts';

const pendingSchema = z.object({
  binding: z.string(),
  verifier: z.string(),
  authorizationURL: z.string(),
  state: z.unknown(),
  expiresAt: z.number(),
});

const key = (handle: string) => `sightline:oauth:${handle}`;
const aad = (handle: string) => `oauth state:${handle}`;

export function redisOAuthStates(redis: Redis, cipher: TokenCipher): SharedPendingSignIns {
  return {
    async put(handle, pending, ttlMs) {
      await redis.set(key(handle), cipher.encrypt(JSON.stringify(pending), aad(handle)), 'PX', ttlMs);
    },
    async take(handle): Promise<PendingSignIn | null> {
      const sealed = await redis.getdelBuffer(key(handle));
      if (!sealed) return null;
      return pendingSchema.parse(JSON.parse(cipher.decryptText(sealed, aad(handle)))) as PendingSignIn;
    },
  };
}
