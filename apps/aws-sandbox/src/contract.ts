// The seams between the sandbox's parts. The HTTP server (protocols, SigV4, STS, IAM) dispatches
// signed JSON calls to services (Organizations, Cloud Control) through these types.
import type { ConditionContext, Decision } from './iam/access';

/** An AWS error as the wire protocols carry it (`__type` / `<Code>`), with its HTTP status. */
export class AwsError extends Error {
  constructor(
    /** The error code, e.g. `ThrottlingException`, or a qualified one like `com.amazon.coral.service#AccessDeniedException`. */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Query protocol only: who is at fault. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'AwsError';
  }

  /** JSON services in query-compatible mode (SQS): the `x-amzn-query-error` code, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
  queryCode?: string;
}

/** Who is calling, established by the server from a valid SigV4 signature over STS-issued credentials. */
export interface CallContext {
  /** The account of the assumed role (where the call acts). */
  accountId: string;
  /** The region from the SigV4 credential scope. */
  region: string;
  /** `arn:aws:iam::<account>:role/<name>` of the assumed role. */
  roleArn: string;
  /** `arn:aws:sts::<account>:assumed-role/<name>/<session>`. */
  principalArn: string;
  /** Throws AccessDenied (in the calling service's error shape) unless the role's policies allow `action`. */
  authorize(action: string): void;
  /**
   * The decision of the caller's identity policies for `action` on a resource ARN, with conditions
   * (a role without any policy allows everything, as `authorize` does).
   */
  identityDecision(action: string, resource: string, context?: ConditionContext): Decision;
  /** The caller's organization id (`aws:PrincipalOrgID`), if its account is in one. */
  organizationId?: string;
}

/** A JSON-protocol service (JSON 1.0 / 1.1) the server dispatches signed calls to. */
export interface JsonService {
  /** SigV4 signing name, e.g. `cloudcontrolapi`, `organizations`. */
  signingName: string;
  /** `X-Amz-Target` prefix before the dot, e.g. `CloudApiService`, `AWSOrganizationsV20161128`. */
  targetPrefix: string;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  contentType: string;
  /** Code `CallContext.authorize` throws with, e.g. `com.amazon.coral.service#AccessDeniedException` (default `AccessDeniedException`). */
  accessDeniedCode?: string;
  /** Handles one operation; throws AwsError for AWS errors. Latency/throttling are the service's own business. */
  handle(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown>;
}

/** A control endpoint under `/_sandbox/`: JSON in, JSON out. Throw AwsError(…, 400/404) for bad input. */
export type ControlHandler = (body: unknown, query: URLSearchParams) => Promise<unknown>;

/** `"POST /_sandbox/resources"` → handler. */
export type ControlRoutes = Record<string, ControlHandler>;
