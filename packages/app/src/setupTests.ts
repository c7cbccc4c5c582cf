import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// On a busy 2-core machine a first render (lazy extensions, styles, the test app) can take
// seconds: findBy* and waitFor keep waiting on their condition for up to 10 s instead of
// testing-library's 1 s, and a test may take 30 s instead of Jest's 5 s. Passing tests are not
// slowed down; only a test that is truly stuck takes longer to fail.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
