import { EventStreamCodec } from '@smithy/core/event-streams';

/**
 * Frames of the AWS event stream (`application/vnd.amazon.eventstream`, docs/bedrock.md §2), encoded with the same
 * codec the SDK decodes with, so prelude, headers and both CRC32s are right by construction.
 */
const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

/** The exception members of `ConverseStreamOutput`, spelled as `:exception-type` needs them (lowerCamel). */
export const STREAM_EXCEPTIONS = [
  'throttlingException',
  'internalServerException',
  'serviceUnavailableException',
  'modelStreamErrorException',
  'validationException',
] as const;
export type StreamException = (typeof STREAM_EXCEPTIONS)[number];

function frame(headers: Record<string, string>, payload: unknown): Uint8Array {
  return codec.encode({
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, { type: 'string', value }]),
    ),
    body: Buffer.from(JSON.stringify(payload), 'utf8'),
  });
}

/** One event of the `ConverseStreamOutput` union: `:event-type` is the member name, the payload its body. */
export function encodeEvent(eventType: string, payload: object): Uint8Array {
  return frame(
    {
      ':event-type': eventType,
      ':content-type': 'application/json',
      ':message-type': 'event',
    },
    payload,
  );
}

/**
 * A modeled exception frame. The SDK only maps it to its typed class (e.g. `ThrottlingException`) when
 * `:exception-type` is the lowerCamel union member; a capitalised name becomes a plain `Error`.
 */
export function encodeException(exceptionType: StreamException, message: string): Uint8Array {
  return frame(
    {
      ':exception-type': exceptionType,
      ':content-type': 'application/json',
      ':message-type': 'exception',
    },
    { message },
  );
}
