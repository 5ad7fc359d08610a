// What the test browsers share whatever the engine (scripts/chromium.ts, scripts/firefox.ts): the
// third-party cookie setting every profile states explicitly (never a browser's default) and the
// window size people have.

/** `blocked` is what Safari, Firefox (partitioned jars) and many Chrome users have; tests default to it. */
export type ThirdPartyCookies = 'blocked' | 'allowed';

export const THIRD_PARTY_COOKIES: readonly ThirdPartyCookies[] = ['blocked', 'allowed'];

export const VIEWPORT = { width: 1400, height: 1000 } as const;

export interface ProfileOptions {
  thirdPartyCookies?: ThirdPartyCookies;
  /** Answer getDisplayMedia/getUserMedia without a prompt (a synthetic screen in Chromium). */
  fakeMedia?: boolean;
  /**
   * Certificates the browser accepts although no CA signed them, as base64 SHA-256 of their
   * SubjectPublicKeyInfo (the test relay's throwaway certificate).
   */
  trustSpki?: readonly string[];
  /** The page size (what Chromium's fake display capture then measures too). */
  viewport?: { width: number; height: number };
  /** A phone's user agent, touch and screen (Chromium's device emulation), e.g. playwright's `devices`. */
  mobile?: { userAgent: string; deviceScaleFactor: number; isMobile: boolean; hasTouch: boolean };
}
