// Public API of @tribar/ingest.
export {};
