import type { CliCommand } from '../cli.command';

export const rotateSigningKey: CliCommand = {
  name: 'rotate-signing-key',
  summary: 'Rotate the OIDC signing key now (the published next key becomes active)',
  usage: 'rotate-signing-key',
  details:
    'The previous active key stays in the JWKS (retired) until every token it signed has expired, so\n' +
    'nothing breaks; api and worker replicas pick the new key up within a minute.',
  options: {},
  async run(ctx, _args, io) {
    const { rotateSigningKeys } = await import('@tally/oidc');
    const before = await ctx.prisma.signingKey.findFirst({
      where: { status: 'active' },
      select: { kid: true },
    });
    const { activeKid } = await rotateSigningKeys(ctx.prisma, ctx.config);
    io.out(`rotated: active key is now ${activeKid}${before ? ` (was ${before.kid}, now retired)` : ''}`);
    return 0;
  },
};
