import type { KnownErrors } from '@borderlens/common';
import { ClipError, ClipNotFound } from './clip/clip.service';

/**
 * The media node's own error classes as replies (ErrorReplyFilter maps the rest: WHEP refusals are
 * HttpExceptions with their code). One place, for the transport handlers and the HTTP routes alike.
 */
export const mediaErrors: KnownErrors = (e) => {
  if (e instanceof ClipError) return { status: 400, code: 'bad_request', message: e.message };
  if (e instanceof ClipNotFound) return { status: 404, code: 'not_found', message: e.message };
  return undefined;
};
