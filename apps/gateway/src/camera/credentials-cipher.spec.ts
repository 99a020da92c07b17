import { randomBytes } from 'node:crypto';
import { CredentialsCipher } from './credentials-cipher';

describe('CredentialsCipher', () => {
  const cipher = new CredentialsCipher(randomBytes(32));

  it('round-trips and never stores the plain text', () => {
    const sealed = cipher.encrypt('admin:s3cret!');
    expect(sealed).not.toContain('s3cret');
    expect(cipher.decrypt(sealed)).toBe('admin:s3cret!');
    expect(cipher.encrypt('admin:s3cret!')).not.toBe(sealed);
  });

  it('refuses altered data and another key', () => {
    const sealed = cipher.encrypt('admin:s3cret!');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([...parts.slice(0, 3), flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => new CredentialsCipher(randomBytes(32)).decrypt(sealed)).toThrow();
  });
});
