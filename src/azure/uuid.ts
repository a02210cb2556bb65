import { createHash } from 'crypto';

/**
 * A name-based UUID, version 5 (SHA-1), as RFC 9562 section 5.5 defines it: the same namespace and
 * name always give the same UUID, so two apps that grant the same role write the same object.
 */
export function uuidV5(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace "${namespace}" is not a UUID`);
  const hash = createHash('sha1').update(namespaceBytes).update(Buffer.from(name, 'utf-8')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = 0x50 + (bytes[6] % 0x10); // version 5 in the high nibble
  bytes[8] = 0x80 + (bytes[8] % 0x40); // variant 10xx (RFC 9562)
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
