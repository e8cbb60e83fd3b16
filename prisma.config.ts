import { defineConfig, env } from 'prisma/config';

// The CLI reads the URL from here; the runtime client gets it from libs/config.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: env('DATABASE_URL') },
});
