import { Module } from '@nestjs/common';
import { AwsCredentialsModule, AwsCredentialsService } from '@tally/aws';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { SqsAdapter } from './adapters/sqs.adapter';
import { DestinationsService } from './destinations/destinations.service';
import { DESTINATION_ADAPTERS, defaultAdapters } from './engine/adapter-registry';
import { DeliveryEngine } from './engine/delivery-engine.service';
import { DeliveryStateRepository } from './engine/delivery-state.repository';
import { ChangeFeedService } from './feed/change-feed.service';
import { ChangeNotifier } from './feed/change-notifier';
import { ChangeSequencer } from './feed/change-sequencer';

/** The change feed, destinations and the delivery engine. Needs the global Config, Db and Jobs modules. */
@Module({
  imports: [AwsCredentialsModule],
  providers: [
    ChangeSequencer,
    ChangeNotifier,
    ChangeFeedService,
    DeliveryStateRepository,
    DeliveryEngine,
    DestinationsService,
    {
      provide: DESTINATION_ADAPTERS,
      useFactory: (config: AppConfig, credentials: AwsCredentialsService) =>
        defaultAdapters({ sqs: new SqsAdapter(config, credentials) }),
      inject: [APP_CONFIG, AwsCredentialsService],
    },
  ],
  exports: [ChangeFeedService, ChangeNotifier, DestinationsService, DeliveryEngine, DeliveryStateRepository],
})
export class DeliveryModule {}
