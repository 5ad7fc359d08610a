// AES-256-GCM for everything the relay keeps at rest that must stay secret: agents' refresh and
// access tokens, and recordings waiting in the write-back outbox.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SightlineConfig } from '@sightline/config';

const IV_BYTES = 12;
const TAG_BYTES = 16;

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('relay.tokenEncryptionKey must be 32 bytes, as 64 hex digits or base64');
  return key;
}

export class TokenCipher {
  /**
   * A KeyObject made once: given a raw Buffer, every createCipheriv / createHmac builds one internally
   * (`getKeyObjectSlots`, 4-6x the cost of the call itself; 7.3% of the relay's busy time under load).
   */
  readonly #key: KeyObject;
  /** keyedHash's derived keys, one per purpose (the purposes are this codebase's own strings). */
  readonly #hashKeys = new Map<string, KeyObject>();

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('TokenCipher needs a 32-byte key');
    this.#key = createSecretKey(key);
  }

  /**
   * The configured key; outside production with none configured, a key generated once (0600) per data
   * directory, so a developer's relay keeps its agents signed in across restarts. It lives outside the
   * data directory (relay.devKeyDir, default ~/.config/sightline/keys): a copied or leaked data folder
   * must not carry the key to its own contents.
   */
  static fromConfig(config: Pick<SightlineConfig, 'env' | 'relay'>): TokenCipher {
    if (config.relay.tokenEncryptionKey) return new TokenCipher(parseKey(config.relay.tokenEncryptionKey));
    if (config.env === 'production') throw new Error('relay.tokenEncryptionKey is required in production');
    const dir =
      config.relay.devKeyDir ?? join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'sightline', 'keys');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const dataDir = resolve(config.relay.dataDir);
    const file = join(dir, `${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}.key`);
    // Earlier versions kept the key next to the databases: move it out.
    const legacy = join(dataDir, 'token.key');
    if (existsSync(legacy)) {
      if (!existsSync(file)) writeFileSync(file, readFileSync(legacy, 'utf8'), { mode: 0o600, flag: 'wx' });
      rmSync(legacy);
    }
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return new TokenCipher(parseKey(readFileSync(file, 'utf8')));
  }

  /** `aad` binds the ciphertext to its row (e.g. the agent's id) so rows cannot be swapped. */
  encrypt(plain: Uint8Array | string, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(typeof plain === 'string' ? Buffer.from(plain) : plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Uint8Array, aad: string): Buffer {
    const buf = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  decryptText(sealed: Uint8Array, aad: string): string {
    return this.decrypt(sealed, aad).toString('utf8');
  }

  /** HMAC-SHA256 (hex) under a key derived for `purpose`: a stable name for a value that reveals nothing of it. */
  keyedHash(text: string, purpose: string): string {
    let key = this.#hashKeys.get(purpose);
    if (!key) {
      key = createSecretKey(Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `sightline ${purpose}`, 32)));
      this.#hashKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(text).digest('hex');
  }
}
