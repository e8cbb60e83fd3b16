import 'reflect-metadata';
import { runMain } from '@tally/common';
import { loadConfigOrExit } from '@tally/config';
import { createApiApp } from './app';
import { serveApi } from './serve';

runMain('api', async () => {
  const config = loadConfigOrExit();
  await serveApi(await createApiApp(config), config);
});
