// Mutation testing (StrykerJS) of the plugin's per-request hooks. Run from the root: `pnpm test:mutation tracing`.
import { strykerConfig } from '../../stryker/base.mjs';

export default strykerConfig(['src/tracing.ts']);
