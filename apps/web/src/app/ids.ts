/**
 * Ids made on the device for records it sends, so that sending the same record again after
 * a lost connection stores it once (the server answers "replayed").
 *
 * A UUID version 7 like the server's (`uuidv7` in @tejido/core, which the web app does not
 * bundle): 48 bits of Unix milliseconds then random bits, so the ids sort by creation time.
 * `crypto.randomUUID()` is not used: it makes version 4 ids, and browsers offer it on HTTPS
 * pages only, while `crypto.getRandomValues()` works on a plain-HTTP intranet too.
 */
export function newId(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
