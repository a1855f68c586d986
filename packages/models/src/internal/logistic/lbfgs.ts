/**
 * A compact L-BFGS minimiser (Nocedal & Wright, Algorithm 7.4 two-loop recursion) with a
 * backtracking Armijo line search. Enough for smooth convex objectives such as the penalised
 * multinomial log loss; it is not a general-purpose optimiser (no bounds, no Wolfe zoom).
 */

/** Writes the gradient at `x` into `grad` and returns the objective value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** Converged when max |gradient component| ≤ tol (scipy's `pgtol`, what sklearn passes `tol` to). */
  tol: number;
  /** Pairs of (s, y) kept; scipy's default is 10. */
  memory?: number;
  /** Called after every accepted step with the 0-based iteration; returning true stops. */
  onIteration?: (iteration: number, x: Float64Array, value: number) => boolean;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  stoppedByCallback: boolean;
  maxGradient: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

export function lbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const memory = options.memory ?? 10;
  const x = Float64Array.from(x0);
  const grad = new Float64Array(n);
  let value = objective(x, grad);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(memory);
  const xNew = new Float64Array(n);
  const gradNew = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(grad) <= options.tol;
  let stoppedByCallback = false;

  while (!converged && iterations < options.maxIter) {
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    for (let k = sList.length - 1; k >= 0; k--) {
      const a = (rhoList[k] as number) * dot(sList[k] as Float64Array, direction);
      alpha[k] = a;
      const yk = yList[k] as Float64Array;
      for (let i = 0; i < n; i++) direction[i]! -= a * (yk[i] as number);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const yk = yList[last] as Float64Array;
      const gamma = dot(sList[last] as Float64Array, yk) / dot(yk, yk);
      for (let i = 0; i < n; i++) direction[i]! *= gamma;
    }
    for (let k = 0; k < sList.length; k++) {
      const b = (rhoList[k] as number) * dot(yList[k] as Float64Array, direction);
      const sk = sList[k] as Float64Array;
      for (let i = 0; i < n; i++) direction[i]! += sk[i]! * ((alpha[k] as number) - b);
    }
    for (let i = 0; i < n; i++) direction[i] = -direction[i]!;
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs went stale): restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -grad[i]!;
      slope = -dot(grad, grad);
    }
    // The first step has no curvature information: scale it to unit length.
    let step = sList.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let valueNew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * direction[i]!;
      valueNew = objective(xNew, gradNew);
      if (Number.isFinite(valueNew) && valueNew <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gradNew[i]! - grad[i]!;
    }
    const sy = dot(s, y);
    // Skip pairs without positive curvature so the implicit Hessian stays positive definite.
    if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    }
    const decrease = value - valueNew;
    x.set(xNew);
    grad.set(gradNew);
    value = valueNew;
    iterations++;
    converged = maxAbs(grad) <= options.tol || decrease <= 2.2e-16 * Math.max(Math.abs(value), 1);
    if (options.onIteration?.(iterations - 1, x, value) === true) {
      stoppedByCallback = true;
      break;
    }
  }
  return { x, value, iterations, converged, stoppedByCallback, maxGradient: maxAbs(grad) };
}
