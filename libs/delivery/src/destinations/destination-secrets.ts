import { decryptPrivateKey, encryptPrivateKey } from '@tally/oidc';
import type { DestinationSecrets } from '../adapters/adapter';

// The signing keys' AES-256-GCM sealing (libs/oidc), with the destination id as associated data:
// a blob copied to another destination's row does not decrypt.
const aad = (destinationId: string) => `destination:${destinationId}`;

/** Encrypts a destination's secrets for storage. */
export function sealSecrets(secrets: DestinationSecrets, key: Buffer, destinationId: string): Buffer {
  return encryptPrivateKey(Buffer.from(JSON.stringify(secrets), 'utf8'), key, aad(destinationId));
}

/** Decrypts what sealSecrets stored (nothing stored = no secrets). */
export function openSecrets(blob: Uint8Array | null, key: Buffer, destinationId: string): DestinationSecrets {
  if (!blob) return {};
  return JSON.parse(decryptPrivateKey(blob, key, aad(destinationId)).toString('utf8')) as DestinationSecrets;
}
