// Mutation testing (StrykerJS) of core's request lifecycle. Run from the root: `pnpm test:mutation core`.
// inbound-requests.ts starts, dispatches and ends each request once; request-record.ts holds the facts
// every plugin reads and the transitions that write them.
import { strykerConfig } from '../../stryker/base.mjs';

export default strykerConfig(['src/inbound-requests.ts', 'src/request-record.ts']);
