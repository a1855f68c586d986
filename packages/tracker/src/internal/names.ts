import { randomInt, randomUUID } from 'node:crypto';

// MLflow names unnamed runs "<adjective>-<noun>-<0..999>"; a short list keeps that shape.
const ADJECTIVES = [
  'amber',
  'bold',
  'brisk',
  'calm',
  'clever',
  'crisp',
  'eager',
  'gentle',
  'keen',
  'lucid',
  'nimble',
  'quiet',
  'rapid',
  'steady',
  'sunny',
  'vivid',
];
const NOUNS = [
  'badger',
  'crane',
  'falcon',
  'fox',
  'heron',
  'ibis',
  'lark',
  'lynx',
  'marten',
  'otter',
  'owl',
  'panda',
  'robin',
  'seal',
  'swift',
  'wren',
];

export function randomRunName(): string {
  const pick = (words: readonly string[]): string => words[randomInt(words.length)] ?? 'run';
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${randomInt(1000)}`;
}

/** `uuid.uuid4().hex`, as the FileStore names runs. */
export function newRunId(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * An 18-digit id that does not start with 0: the FileStore's `_generate_unique_integer_id`
 * (recent MLflow) so ids never collide across machines the way sequential ones would.
 */
export function newExperimentId(): string {
  let id = String(randomInt(1, 10));
  while (id.length < 18) id += String(randomInt(10));
  return id;
}
