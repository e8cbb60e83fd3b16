import type { AppConfig } from '@tally/config';
import type { Prisma, PrismaClient, SigningKey } from '@tally/db';
import { generateSigningKey, type PublicJwk } from './signing-key.crypto';

/** Longest lifetime of a token we mint (the issue caps it at 10 minutes). */
export const MAX_TOKEN_TTL_SECONDS = 600;

/**
 * How long a retired key stays in the JWKS: every token it signed must still verify until it
 * expires, plus STS's 5-minute clock skew, plus the time other replicas may keep signing with their
 * cached copy of the old active key, plus margin.
 */
export const RETIRED_KEY_PUBLISH_SECONDS = MAX_TOKEN_TTL_SECONDS + 300 + 300 + 1800;

/** Retired rows (and their encrypted private keys) are deleted this long after retirement. */
const RETIRED_KEY_DELETE_DAYS = 7;

type Tx = Prisma.TransactionClient;

/** Bumped by every rotation in this process, so in-process caches drop the old active key at once. */
let localGeneration = 0;
export function signingKeyGeneration(): number {
  return localGeneration;
}

/** Serializes key creation and rotation across every replica sharing the database. */
async function withKeyLock<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('tally:signing-keys'))`;
      return fn(tx);
    },
    { maxWait: 15_000, timeout: 30_000 },
  );
}

async function insertKey(
  tx: Tx,
  config: AppConfig,
  status: 'active' | 'next',
  now: Date,
): Promise<SigningKey> {
  const key = await generateSigningKey(config.keyEncryptionKey);
  return tx.signingKey.create({
    data: {
      kid: key.kid,
      status,
      algorithm: 'RS256',
      publicJwk: key.publicJwk as unknown as Prisma.InputJsonValue,
      privateKeyCipher: new Uint8Array(key.privateKeyCipher),
      activatedAt: status === 'active' ? now : null,
    },
  });
}

/** Inside the lock: makes sure there is exactly one active and one next key. */
async function completeKeySet(tx: Tx, config: AppConfig, now: Date): Promise<void> {
  const current = await tx.signingKey.findMany({
    where: { status: { in: ['active', 'next'] } },
    select: { status: true },
  });
  if (!current.some((k) => k.status === 'active')) await insertKey(tx, config, 'active', now);
  if (!current.some((k) => k.status === 'next')) await insertKey(tx, config, 'next', now);
}

/**
 * Creates the active and next keys if they do not exist yet (first start). Safe to call from any
 * number of replicas at once: the advisory lock lets exactly one of them create keys.
 */
export async function ensureSigningKeys(prisma: PrismaClient, config: AppConfig): Promise<void> {
  const [active, next] = await Promise.all([
    prisma.signingKey.count({ where: { status: 'active' } }),
    prisma.signingKey.count({ where: { status: 'next' } }),
  ]);
  if (active > 0 && next > 0) return;
  await withKeyLock(prisma, (tx) => completeKeySet(tx, config, new Date()));
}

async function rotateLocked(tx: Tx, config: AppConfig, now: Date): Promise<string> {
  await tx.signingKey.updateMany({
    where: { status: 'active' },
    data: { status: 'retired', retiredAt: now },
  });
  const promoted = await tx.signingKey.updateMany({
    where: { status: 'next' },
    data: { status: 'active', activatedAt: now },
  });
  if (promoted.count === 0) await insertKey(tx, config, 'active', now);
  await insertKey(tx, config, 'next', now);
  const cutoff = new Date(now.getTime() - RETIRED_KEY_DELETE_DAYS * 86_400_000);
  await tx.signingKey.deleteMany({ where: { status: 'retired', retiredAt: { lt: cutoff } } });
  const active = await tx.signingKey.findFirstOrThrow({ where: { status: 'active' }, select: { kid: true } });
  return active.kid;
}

/**
 * Rotates now: next becomes active, active becomes retired (still published for a while), a new
 * next key is created. Returns the new active kid. Used by the scheduled job and the CLI.
 */
export async function rotateSigningKeys(
  prisma: PrismaClient,
  config: AppConfig,
): Promise<{ activeKid: string }> {
  const activeKid = await withKeyLock(prisma, (tx) => rotateLocked(tx, config, new Date()));
  localGeneration++;
  return { activeKid };
}

/**
 * Rotates if the active key is older than SIGNING_KEY_ROTATION_DAYS (checked under the lock, so
 * replicas running the schedule together rotate once). Returns whether it rotated.
 */
export async function rotateSigningKeysIfDue(
  prisma: PrismaClient,
  config: AppConfig,
  now = new Date(),
): Promise<boolean> {
  const rotated = await withKeyLock(prisma, async (tx) => {
    await completeKeySet(tx, config, now);
    const active = await tx.signingKey.findFirstOrThrow({ where: { status: 'active' } });
    const since = (active.activatedAt ?? active.createdAt).getTime();
    if (now.getTime() - since < config.SIGNING_KEY_ROTATION_DAYS * 86_400_000) return false;
    await rotateLocked(tx, config, now);
    return true;
  });
  if (rotated) localGeneration++;
  return rotated;
}

/** The keys to publish: active, next, and retired keys whose tokens may still be in use. */
export async function publishedSigningKeys(prisma: PrismaClient, now = new Date()): Promise<PublicJwk[]> {
  const since = new Date(now.getTime() - RETIRED_KEY_PUBLISH_SECONDS * 1000);
  const rows = await prisma.signingKey.findMany({
    where: { OR: [{ status: { in: ['active', 'next'] } }, { status: 'retired', retiredAt: { gte: since } }] },
    select: { publicJwk: true, status: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
  });
  const rank = { active: 0, next: 1, retired: 2 } as const;
  return rows
    .sort((a, b) => rank[a.status] - rank[b.status] || b.createdAt.getTime() - a.createdAt.getTime())
    .map((r) => r.publicJwk as unknown as PublicJwk);
}
