// EC2 instance calls (RunInstances, Terminate/Stop/StartInstances, Create/DeleteTags,
// ModifyInstanceAttribute) and the EC2 Instance State-change Notifications.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Model } from '../../cloud/types';
import type { EventDraft, ResourceMutation } from '../cloudtrail-events';
import { type Call, type Tag, model, tagDiff, changedProperties } from './call.helpers';

const EC2_STATE: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};
const state = (name: string) => ({ code: EC2_STATE[name], name });
const stateOf = (x?: Model) => ((x?.State as { Name?: string } | undefined)?.Name ?? 'running') as string;

export function ec2Calls(m: ResourceMutation): Call[] {
  const instanceId = m.identifier;
  const ids = { instancesSet: { items: [{ instanceId }] } };
  const requestId = randomUUID();
  if (m.kind === 'create') {
    const x = model(m);
    const tags = (x.Tags as Tag[]) ?? [];
    return [
      {
        eventName: 'RunInstances',
        requestParameters: {
          instancesSet: { items: [{ imageId: x.ImageId, minCount: 1, maxCount: 1 }] },
          instanceType: x.InstanceType,
          blockDeviceMapping: {},
          monitoring: { enabled: false },
          disableApiTermination: false,
          disableApiStop: false,
          clientToken: randomUUID(),
          ...(x.SubnetId ? { subnetId: x.SubnetId } : {}),
          ...(tags.length
            ? {
                tagSpecificationSet: {
                  items: [
                    { resourceType: 'instance', tags: tags.map((t) => ({ key: t.Key, value: t.Value })) },
                  ],
                },
              }
            : {}),
        },
        responseElements: m.error
          ? null
          : {
              requestId,
              reservationId: `r-0${randomBytes(8).toString('hex').slice(0, 16)}`,
              ownerId: m.accountId,
              groupSet: {},
              instancesSet: {
                items: [
                  {
                    instanceId,
                    imageId: x.ImageId,
                    currentState: state('pending'),
                    privateDnsName: x.PrivateDnsName,
                    amiLaunchIndex: 0,
                    productCodes: {},
                    instanceType: x.InstanceType,
                    launchTime: Date.now(),
                    placement: { availabilityZone: x.AvailabilityZone, tenancy: 'default' },
                    monitoring: { state: 'disabled' },
                    subnetId: x.SubnetId,
                    vpcId: x.VpcId,
                    privateIpAddress: x.PrivateIpAddress,
                    stateReason: { code: 'pending', message: 'pending' },
                    architecture: 'x86_64',
                    rootDeviceType: 'ebs',
                    rootDeviceName: '/dev/xvda',
                    blockDeviceMapping: {},
                    virtualizationType: 'hvm',
                    hypervisor: 'xen',
                    ...(tags.length
                      ? { tagSet: { items: tags.map((t) => ({ key: t.Key, value: t.Value })) } }
                      : {}),
                  },
                ],
              },
            },
      },
    ];
  }
  if (m.kind === 'delete') {
    return [
      {
        eventName: 'TerminateInstances',
        requestParameters: ids,
        responseElements: {
          requestId,
          instancesSet: {
            items: [
              { instanceId, currentState: state('shutting-down'), previousState: state(stateOf(m.before)) },
            ],
          },
        },
      },
    ];
  }
  const calls: Call[] = [];
  const [from, to] = [stateOf(m.before), stateOf(m.after)];
  if (from !== to && (to === 'stopped' || to === 'stopping'))
    calls.push({
      eventName: 'StopInstances',
      requestParameters: { ...ids, force: false },
      responseElements: {
        requestId,
        instancesSet: {
          items: [{ instanceId, currentState: state('stopping'), previousState: state(from) }],
        },
      },
    });
  else if (from !== to && (to === 'running' || to === 'pending'))
    calls.push({
      eventName: 'StartInstances',
      requestParameters: ids,
      responseElements: {
        requestId,
        instancesSet: { items: [{ instanceId, currentState: state('pending'), previousState: state(from) }] },
      },
    });
  const { set, removed } = tagDiff(m);
  const resourcesSet = { items: [{ resourceId: instanceId }] };
  if (set.length)
    calls.push({
      eventName: 'CreateTags',
      requestParameters: {
        resourcesSet,
        tagSet: { items: set.map((t) => ({ key: t.Key, value: t.Value })) },
      },
      responseElements: { requestId, _return: true },
    });
  if (removed.length)
    calls.push({
      eventName: 'DeleteTags',
      requestParameters: { resourcesSet, tagSet: { items: removed.map((key) => ({ key })) } },
      responseElements: { requestId, _return: true },
    });
  const others = changedProperties(m).filter((p) => p !== 'State');
  if (others.length || !calls.length)
    calls.push({
      eventName: 'ModifyInstanceAttribute',
      requestParameters: {
        instanceId,
        ...(others.includes('InstanceType') ? { instanceType: { value: m.after?.InstanceType } } : {}),
      },
      responseElements: { requestId, _return: true },
    });
  return calls;
}

export function stateNotifications(m: ResourceMutation): EventDraft[] {
  const [from, to] =
    m.kind === 'create'
      ? ['', 'running']
      : m.kind === 'delete'
        ? [stateOf(m.before), 'terminated']
        : [stateOf(m.before), stateOf(m.after)];
  if (from === to) return [];
  const steps = {
    running: ['pending', 'running'],
    stopped: ['stopping', 'stopped'],
    terminated: ['shutting-down', 'terminated'],
  }[to] ?? [to];
  return steps.map((s) => ({
    source: 'aws.ec2',
    'detail-type': 'EC2 Instance State-change Notification',
    resources: [`arn:aws:ec2:${m.region}:${m.accountId}:instance/${m.identifier}`],
    needsTrail: false,
    detail: { 'instance-id': m.identifier, state: s },
  }));
}
