// AWS::Lambda::Function (primary identifier FunctionName). The list handler's model is partial.
import { intBetween, pick } from '../util/hash';
import { base36Token, parseBase36Token, type Model, type ResourceTypeModule } from './resource-type';
import { pickPlacement } from './network';
import { withTags } from './tags';

const SERVICES = [
  'orders',
  'users',
  'billing',
  'notifications',
  'search',
  'thumbnails',
  'reports',
  'webhooks',
];
const ROLES = ['api', 'worker', 'cron', 'handler', 'consumer'];
const RUNTIMES: [runtime: string, handler: string][] = [
  ['nodejs20.x', 'index.handler'],
  ['nodejs22.x', 'index.handler'],
  ['python3.12', 'app.lambda_handler'],
  ['python3.13', 'app.lambda_handler'],
  ['java21', 'com.example.Handler::handleRequest'],
  ['provided.al2023', 'bootstrap'],
];

export const lambdaFunction: ResourceTypeModule = {
  typeName: 'AWS::Lambda::Function',
  identifierProperty: 'FunctionName',
  listsEveryRegion: false,
  partialListModel: true,
  permissions: {
    list: ['lambda:ListFunctions'],
    read: [
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetRuntimeManagementConfig',
    ],
  },
  formatIdentifier: (value, rng) => `${pick(rng, SERVICES)}-${pick(rng, ROLES)}-${base36Token(value)}`,
  parseIdentifier: parseBase36Token,
  generate({ accountId, region, identifier, rng, tags }) {
    const [runtime, handler] = pick(rng, RUNTIMES);
    const service = identifier.split('-')[0];
    const model: Model = {
      FunctionName: identifier,
      Description: `${service} ${identifier.split('-')[1]}`,
      Role: `arn:aws:iam::${accountId}:role/${service}-lambda-role`,
      Runtime: runtime,
      Handler: handler,
      MemorySize: pick(rng, [128, 256, 512, 1024, 2048]),
      Timeout: pick(rng, [3, 10, 30, 60, 300, 900]),
      Architectures: [rng() < 0.4 ? 'arm64' : 'x86_64'],
      PackageType: 'Zip',
      EphemeralStorage: { Size: 512 },
      TracingConfig: { Mode: rng() < 0.3 ? 'Active' : 'PassThrough' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${identifier}` },
      RuntimeManagementConfig: { UpdateRuntimeOn: 'Auto' },
      SnapStartResponse: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      RecursiveLoop: 'Terminate',
    };
    if (rng() < 0.3) {
      const placement = pickPlacement(rng, accountId, region);
      model.VpcConfig = {
        SubnetIds: [placement.subnetId],
        SecurityGroupIds: placement.securityGroupIds,
        Ipv6AllowedForDualStack: false,
      };
    }
    if (rng() < 0.5)
      model.Environment = {
        Variables: {
          LOG_LEVEL: pick(rng, ['info', 'debug', 'warn']),
          POOL_SIZE: String(intBetween(rng, 1, 20)),
        },
      };
    return withTags(this.derive(model, accountId, region), tags);
  },
  derive: (model, accountId, region) => ({
    ...model,
    Arn: `arn:aws:lambda:${region}:${accountId}:function:${String(model.FunctionName)}`,
  }),
  listModel: (full) => ({ FunctionName: full.FunctionName, Arn: full.Arn }),
};
