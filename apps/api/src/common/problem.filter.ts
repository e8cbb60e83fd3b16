import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TallyError } from '@tally/common';
import type { Problem } from '@tally/contract';
import { CODE_STATUS, PROBLEM_CONTENT_TYPE, problemType } from './problem';

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Every error leaves the API as problem+json. Domain errors map by code; Nest and body-parser
 * HTTP errors keep their status; anything else is a 500 whose details stay in the log.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const problem = this.toProblem(exception, req);
    problem.instance = req.originalUrl?.split('?')[0];
    problem.requestId = req.id ? String(req.id) : undefined;
    // An expired change-feed cursor (410) names where a reader can resume.
    const oldestCursor = (exception as { oldestCursor?: unknown })?.oldestCursor;
    if (typeof oldestCursor === 'string') problem.oldestCursor = oldestCursor;
    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: problem.requestId }, 'unhandled error');
    }
    const retryAfter = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
    if (problem.status === 429 && typeof retryAfter === 'number') {
      res.setHeader('Retry-After', String(retryAfter));
    }
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="tally"');
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, req: Request): Problem {
    if (exception instanceof TallyError) {
      const { status, title } = CODE_STATUS[exception.code];
      return {
        type: problemType(exception.code),
        title,
        status,
        code: exception.details.awsCode ?? exception.code,
        detail: exception.message,
        remediation: exception.details.remediation,
        errors: exception.details.fields,
      };
    }
    const status = httpStatusOf(exception);
    if (status && status < 500) {
      const code = HTTP_CODES[status] ?? 'bad_request';
      const detail =
        status === 404 && exception instanceof HttpException && /^Cannot /.test(exception.message)
          ? `No route ${req.method} ${req.originalUrl.split('?')[0]}`
          : (bodyParserDetail(exception) ?? (exception as Error).message);
      return { type: problemType(code), title: titleOf(status), status, code, detail };
    }
    return {
      type: problemType('internal'),
      title: 'Internal error',
      status: 500,
      code: 'internal',
      detail: 'Something went wrong on our side. Quote the request id when you report it.',
    };
  }
}

function httpStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const e = exception as { status?: unknown; statusCode?: unknown; type?: unknown };
  // body-parser errors (malformed JSON, too large, wrong charset) carry status and a type.
  if (typeof e?.type === 'string' && typeof e.status === 'number') return e.status;
  return undefined;
}

function bodyParserDetail(exception: unknown): string | undefined {
  const type = (exception as { type?: unknown })?.type;
  if (type === 'entity.parse.failed') return 'The request body is not valid JSON.';
  if (type === 'entity.too.large') return 'The request body is too large.';
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return 'Unsupported body encoding.';
  return undefined;
}

function titleOf(status: number): string {
  return (
    Object.values(CODE_STATUS).find((c) => c.status === status)?.title ??
    { 405: 'Method not allowed', 413: 'Payload too large', 415: 'Unsupported media type' }[status] ??
    'Bad request'
  );
}
