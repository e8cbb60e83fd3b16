// Writes the committed templates (cloudformation/*.yaml) from libs/onboarding; a test fails when they drift.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tally/common';
import {
  FORWARDER_TEMPLATE_FILE,
  TEMPLATE_FILES,
  renderForwarderTemplate,
  renderTemplate,
  type OnboardingMode,
} from './onboarding.templates';

for (const mode of Object.keys(TEMPLATE_FILES) as OnboardingMode[]) {
  const path = join(repoRoot(), 'cloudformation', TEMPLATE_FILES[mode]);
  writeFileSync(path, renderTemplate(mode));
  process.stdout.write(`wrote ${path}\n`);
}
const forwarder = join(repoRoot(), 'cloudformation', FORWARDER_TEMPLATE_FILE);
writeFileSync(forwarder, renderForwarderTemplate());
process.stdout.write(`wrote ${forwarder}\n`);
