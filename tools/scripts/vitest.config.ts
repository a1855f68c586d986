import { packageTestConfig } from '../../vitest.shared.ts';

export default packageTestConfig('scripts', { testTimeout: 60_000 });
