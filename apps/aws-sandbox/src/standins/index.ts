export {
  startWebhookReceiver,
  type WebhookReceiver,
  type ReceivedWebhook,
  type ReceiverMode,
} from './webhook-receiver';
export { startCrudServiceStandIn, type CrudServiceStandIn } from './crud-service';
export {
  startPortApiStandIn,
  type PortApiStandIn,
  type PortApiStandInOptions,
  type PortStandInEntity,
  type PortStandInRequest,
} from './port-api';
