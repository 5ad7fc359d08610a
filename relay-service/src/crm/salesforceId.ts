// Salesforce record ids come in two forms: 15 characters, case-sensitive, and 18 characters, the
// same plus a 3-character suffix that encodes the case of the first 15 (so the id survives
// case-insensitive systems). The relay keeps every id in the 18-character form, so a Case named by
// either form is the same Case.

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Salesforce's suffix: per 5-character chunk, one bit per upper-case letter, as one character. */
function suffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i]!;
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    out += SUFFIX_ALPHABET[bits];
  }
  return out;
}

/**
 * The 18-character form of a 15- or 18-character id, or null when it is not one. An 18-character id
 * is case-insensitive: its suffix restores the case of the first 15 (a letter the suffix marks
 * upper-case that is not a letter makes it invalid).
 */
export function normalizeSalesforceId(id: string): string | null {
  if (!SHAPE.test(id)) return null;
  if (id.length === 15) return id + suffix(id);
  const tail = id.slice(15).toUpperCase();
  let id15 = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(tail[chunk]!);
    for (let i = 0; i < 5; i++) {
      const c = id[chunk * 5 + i]!;
      const upper = (bits >> i) & 1;
      if (upper && !/[a-zA-Z]/.test(c)) return null;
      id15 += upper ? c.toUpperCase() : c.toLowerCase();
    }
  }
  return id15 + tail;
}
