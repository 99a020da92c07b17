import { Injectable, Param, type PipeTransform } from '@nestjs/common';
import { AppError } from './app-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID, the form of every generated id (cameras, sessions, incidents, clip requests, alerts). */
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}

/**
 * Path ids: a value that is not a UUID names nothing, so it is the resource's 404 with its stable code
 * (`camera_not_found`, ...), answered before any lookup or decision, in the gateway's JSON error shape.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  constructor(private readonly what: string) {}

  transform(value: unknown): string {
    if (!isUuid(value)) throw AppError.notFound(this.what, String(value));
    return value;
  }
}

/** `@IdParam('camera') id: string` for the route's `:id`; `@IdParam('session', 'sessionId')` for another name. */
export function IdParam(what: string, name = 'id'): ParameterDecorator {
  return Param(name, new ParseIdPipe(what));
}
