import { tribarLintConfig } from './tools/eslint-config/index.js';

export default tribarLintConfig();
