import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * An error a user can cause, with a stable machine-readable code and a message safe to show.
 * Rendered as `{"error": {"code", "message", "details?", "requestId"}}` by ErrorReplyFilter (@borderlens/common),
 * over the transport as `{code, message, details?}`.
 */
export class AppError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ code, message, details }, status);
  }

  static notFound(what: string, id: string): AppError {
    return new AppError(HttpStatus.NOT_FOUND, `${what}_not_found`, `${what.replace(/_/g, ' ')} '${id}' not found`);
  }

  static forbidden(message: string, code = 'forbidden'): AppError {
    return new AppError(HttpStatus.FORBIDDEN, code, message);
  }

  static badRequest(code: string, message: string, details?: unknown): AppError {
    return new AppError(HttpStatus.BAD_REQUEST, code, message, details);
  }

  static conflict(code: string, message: string, details?: unknown): AppError {
    return new AppError(HttpStatus.CONFLICT, code, message, details);
  }
}
