/** One individual and its fitness. */
export interface Scored {
  genes: number[];
  fitness: number;
}

function sameGenes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((gene, i) => gene === b[i]);
}

/**
 * DEAP's `HallOfFame(maxsize)`: the best distinct individuals ever seen, best first. An individual
 * enters when the hall is not full or it beats the worst member, and no member has the same genes;
 * on equal fitness the newer one goes first (DEAP's `bisect_right` on ascending keys).
 */
export class HallOfFame {
  readonly maxSize: number;
  readonly #members: Scored[] = [];

  constructor(maxSize: number) {
    this.maxSize = maxSize;
  }

  get members(): readonly Scored[] {
    return this.#members;
  }

  update(population: readonly Scored[]): void {
    if (this.maxSize === 0) return;
    for (const candidate of population) {
      const worst = this.#members.at(-1);
      if (worst !== undefined && this.#members.length >= this.maxSize && !(candidate.fitness > worst.fitness)) continue;
      if (this.#members.some((member) => sameGenes(member.genes, candidate.genes))) continue;
      if (this.#members.length >= this.maxSize) this.#members.pop();
      let at = this.#members.findIndex((member) => member.fitness <= candidate.fitness);
      if (at < 0) at = this.#members.length;
      this.#members.splice(at, 0, { genes: [...candidate.genes], fitness: candidate.fitness });
    }
  }
}
