// The digests SQS returns and the SDK checks: MD5 of the body, and MD5 of the message attributes in
// SQS's documented binary encoding (sorted names, length-prefixed fields, transport type byte).
import { createHash } from 'node:crypto';

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64 on the JSON wire. */
  BinaryValue?: string;
}

/** Hex MD5 of a UTF-8 string. */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** MD5OfMessageAttributes, or undefined when there are none. */
export function md5OfAttributes(
  attrs: Record<string, MessageAttributeValue> | undefined,
): string | undefined {
  const names = Object.keys(attrs ?? {}).sort();
  if (!names.length) return undefined;
  const hash = createHash('md5');
  const field = (buf: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(buf.length);
    hash.update(len).update(buf);
  };
  for (const name of names) {
    const a = attrs![name];
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(a.DataType, 'utf8'));
    if (a.StringValue !== undefined) {
      hash.update(Buffer.from([1]));
      field(Buffer.from(a.StringValue, 'utf8'));
    } else {
      hash.update(Buffer.from([2]));
      field(Buffer.from(a.BinaryValue ?? '', 'base64'));
    }
  }
  return hash.digest('hex');
}
