// Mutation testing (StrykerJS) of core's request lifecycle. Run from the root: `pnpm test:mutation`.
import { strykerConfig } from '../../stryker/base.mjs';

export default strykerConfig(['src/request-record.ts', 'src/inbound-requests.ts']);
