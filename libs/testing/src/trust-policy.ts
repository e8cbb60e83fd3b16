/** The trust policy Tally's stack gives its role, as a document tests can vary. */
export function webIdentityTrustPolicy(opts: {
  providerArn: string;
  /** The issuer without scheme: the condition keys' prefix. */
  host: string;
  audience: string;
  subject: string;
  subjectOperator?: 'StringEquals' | 'StringLike';
}) {
  const aud = { [`${opts.host}:aud`]: opts.audience };
  const sub = { [`${opts.host}:sub`]: opts.subject };
  const operator = opts.subjectOperator ?? 'StringEquals';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: opts.providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition:
          operator === 'StringEquals'
            ? { StringEquals: { ...aud, ...sub } }
            : { StringEquals: aud, [operator]: sub },
      },
    ],
  };
}
