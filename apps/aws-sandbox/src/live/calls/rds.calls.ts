// RDS DB instance calls: Create/Delete/ModifyDBInstance, AddTagsToResource / RemoveTagsFromResource.
import type { ResourceMutation } from '../cloudtrail-events';
import { type Call, type Tag, model, tagDiff, changedProperties } from './call.helpers';

export function rdsCalls(m: ResourceMutation): Call[] {
  const x = model(m);
  const dBInstanceIdentifier = m.identifier;
  const dBInstanceArn = `arn:aws:rds:${m.region}:${m.accountId}:db:${dBInstanceIdentifier}`;
  const instance = (status: string) => ({
    dBInstanceIdentifier,
    dBInstanceClass: x.DBInstanceClass,
    engine: x.Engine,
    dBInstanceStatus: status,
    masterUsername: x.MasterUsername,
    allocatedStorage: Number(x.AllocatedStorage ?? 20),
    preferredBackupWindow: x.PreferredBackupWindow,
    backupRetentionPeriod: x.BackupRetentionPeriod,
    dBSecurityGroups: [],
    vpcSecurityGroups: ((x.VPCSecurityGroups as string[]) ?? []).map((id) => ({
      vpcSecurityGroupId: id,
      status: 'active',
    })),
    multiAZ: x.MultiAZ ?? false,
    engineVersion: x.EngineVersion,
    autoMinorVersionUpgrade: true,
    publiclyAccessible: false,
    storageType: x.StorageType ?? 'gp3',
    storageEncrypted: x.StorageEncrypted ?? true,
    dbiResourceId: x.DbiResourceId,
    dBInstanceArn,
    deletionProtection: x.DeletionProtection ?? false,
  });
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateDBInstance',
        requestParameters: {
          dBInstanceIdentifier,
          allocatedStorage: Number(x.AllocatedStorage ?? 20),
          dBInstanceClass: x.DBInstanceClass,
          engine: x.Engine,
          masterUsername: x.MasterUsername,
          masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          multiAZ: x.MultiAZ ?? false,
          engineVersion: x.EngineVersion,
          storageEncrypted: x.StorageEncrypted ?? true,
          tags: ((x.Tags as Tag[]) ?? []).map((t) => ({ key: t.Key, value: t.Value })),
        },
        responseElements: instance('creating'),
      },
    ];
  if (m.kind === 'delete')
    return [
      {
        eventName: 'DeleteDBInstance',
        requestParameters: { dBInstanceIdentifier, skipFinalSnapshot: true },
        responseElements: instance('deleting'),
      },
    ];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length)
    calls.push({
      eventName: 'AddTagsToResource',
      requestParameters: {
        resourceName: dBInstanceArn,
        tags: set.map((t) => ({ key: t.Key, value: t.Value })),
      },
      responseElements: null,
    });
  if (removed.length)
    calls.push({
      eventName: 'RemoveTagsFromResource',
      requestParameters: { resourceName: dBInstanceArn, tagKeys: removed },
      responseElements: null,
    });
  const changed = changedProperties(m);
  if (changed.length || !calls.length)
    calls.push({
      eventName: 'ModifyDBInstance',
      requestParameters: {
        dBInstanceIdentifier,
        applyImmediately: true,
        ...Object.fromEntries(changed.map((p) => [p[0].toLowerCase() + p.slice(1), m.after?.[p]])),
      },
      responseElements: instance('available'),
    });
  return calls;
}
