export {
  startWebhookReceiver,
  type WebhookReceiver,
  type ReceivedWebhook,
  type ReceiverMode,
} from './webhook-receiver';
export { startCrudServiceStandIn, type CrudServiceStandIn } from './crud-service';
