import { describePageChecks, pagesOf } from './page-checks.ts';

// The browser suite, second half of pages.ts (the first is in a11y.test.ts).

describePageChecks('browser suite (2 of 2)', pagesOf(1));
