/* eslint-disable no-bitwise */ // decoding UTF-8, UTF-16 and UTF-32 is bit arithmetic
import { isUtf8 } from 'buffer';

/**
 * The bytes of a YAML file as text, the way YAML 1.2 (section 5.2) and kubectl read them: UTF-8,
 * UTF-16 or UTF-32, told by the byte order mark or, without one, by where the first character's
 * zero bytes are. Invalid data is an error (kubectl refuses it too), never silently replaced.
 */

export type Decoded = { readonly text: string; readonly encoding: string } | { readonly error: string };

/** The encoding of `bytes`, and how many bytes its byte order mark takes. */
function detect(b: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be'; bom: number } {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  if (b.length >= 4 && b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { encoding: 'utf-32be', bom: 4 };
  if (b.length >= 4 && b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { encoding: 'utf-32le', bom: 4 };
  if (b.length >= 4 && b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return { encoding: 'utf-32be', bom: 0 };
  if (b.length >= 4 && b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return { encoding: 'utf-32le', bom: 0 };
  if (b.length >= 2 && b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (b.length >= 2 && b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (b.length >= 2 && b0 === 0 && b1 !== 0) return { encoding: 'utf-16be', bom: 0 };
  if (b.length >= 2 && b0 !== 0 && b1 === 0) return { encoding: 'utf-16le', bom: 0 };
  if (b.length >= 3 && b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bom: 3 };
  return { encoding: 'utf-8', bom: 0 };
}

/** Decodes a file's bytes; never throws. */
export function decode(bytes: Uint8Array): Decoded {
  const { encoding, bom } = detect(bytes);
  const body = bytes.subarray(bom);
  switch (encoding) {
    case 'utf-8': {
      if (isUtf8(body)) return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf-8'), encoding };
      const at = firstInvalidUtf8(body);
      return { error: `invalid UTF-8 at ${lineOfByte(body, at)}, byte ${at + bom} (kubectl refuses it too): save the file as UTF-8` };
    }
    case 'utf-16le':
    case 'utf-16be': {
      if (body.length % 2 !== 0) return { error: `is ${encoding.toUpperCase()} with an odd number of bytes (${bytes.length}): a truncated or mislabelled file` };
      try {
        return { text: new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body), encoding };
      } catch {
        return { error: `invalid ${encoding.toUpperCase()} (an unpaired surrogate): save the file as UTF-8` };
      }
    }
    default:
      return decodeUtf32(body, encoding === 'utf-32le');
  }
}

function decodeUtf32(body: Uint8Array, littleEndian: boolean): Decoded {
  const name = littleEndian ? 'UTF-32LE' : 'UTF-32BE';
  if (body.length % 4 !== 0) return { error: `is ${name} with a length that is not a multiple of 4: a truncated or mislabelled file` };
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const parts: string[] = [];
  const units: number[] = [];
  for (let i = 0; i < body.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return { error: `invalid ${name} at byte ${i}: U+${cp.toString(16).toUpperCase()} is not a character` };
    }
    if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    if (units.length >= 8192) parts.push(String.fromCharCode(...units.splice(0)));
  }
  parts.push(String.fromCharCode(...units));
  return { text: parts.join(''), encoding: littleEndian ? 'utf-32le' : 'utf-32be' };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n: number;
    let min: number;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const next = b[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (next & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return i;
}

function lineOfByte(b: Uint8Array, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) { line++; start = i + 1; }
  }
  return `line ${line}, column ${offset - start + 1}`;
}
