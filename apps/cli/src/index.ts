// Public API of @tribar/cli.
export {};
