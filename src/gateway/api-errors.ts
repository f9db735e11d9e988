/**
 * Maps what fastify and our own code throw onto the error catalogue. This is
 * one of the two edges (with the CLI) where unknown errors are normalised.
 */
import { PilotlightError, toPilotlightError } from '../core/errors.js';

export function toApiError(err: unknown, maxBodySize: number): PilotlightError {
  if (err instanceof PilotlightError) return err;
  const code = (err as { code?: string }).code;
  const status = (err as { statusCode?: number }).statusCode;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PilotlightError('body_too_large', `request body is larger than server.maxBodySize (${maxBodySize} bytes)`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new PilotlightError('invalid_request', 'request body length does not match its Content-Length header');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PilotlightError('unsupported_media_type', 'request body must be application/json');
    default:
      if (status !== undefined && status >= 400 && status < 500) return new PilotlightError('invalid_request', (err as Error).message);
      return toPilotlightError(err);
  }
}
