import * as fc from 'fast-check';
import { uuidV5 } from '../../src/azure/uuid';

const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

describe('uuidV5', () => {
  test('RFC 9562, Appendix A.4: "www.example.com" in the DNS namespace', () => {
    expect(uuidV5(NAMESPACE_DNS, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  test('Python documentation, uuid module: uuid5(NAMESPACE_DNS, "python.org")', () => {
    expect(uuidV5(NAMESPACE_DNS, 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  test('a non-ASCII name is hashed as UTF-8 (value from Python\'s uuid.uuid5)', () => {
    expect(uuidV5(NAMESPACE_URL, 'https://example.com/ü')).toBe('a17f7a1d-6bb5-51a9-9d32-f9d2fdeec8b6');
  });

  test('any name: version 5, RFC variant, lowercase, deterministic; the namespace matters', () => {
    fc.assert(fc.property(fc.string(), name => {
      const id = uuidV5(NAMESPACE_DNS, name);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(uuidV5(NAMESPACE_DNS, name)).toBe(id);
      expect(uuidV5(NAMESPACE_URL, name)).not.toBe(id);
    }));
  });

  test('a namespace that is not a UUID is a programming error', () => {
    expect(() => uuidV5('dns', 'x')).toThrow('namespace "dns" is not a UUID');
  });
});
