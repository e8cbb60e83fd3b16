import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor, AuthedRequest } from '@tally/tenancy';
import { UnauthorizedError } from '@tally/tenancy';

/** The authenticated caller and request id, for services that check roles and write the audit log. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.principal) throw new UnauthorizedError('Missing or malformed API key.');
  return { principal: req.principal, requestId: req.id === undefined ? undefined : String(req.id) };
});
