// Mutation testing (StrykerJS) of core's request lifecycle. Run from the root: `pnpm test:mutation core`.
// Only inbound-requests.ts (each request's start, dispatch and single end): with request-record.ts too
// (341 mutants) a run took about 30 minutes here; add 'src/request-record.ts' when that is affordable.
import { strykerConfig } from '../../stryker/base.mjs';

export default strykerConfig(['src/inbound-requests.ts']);
