import type { Tensor3D } from '@tensorflow/tfjs';
import type { ModelCard } from '../types.js';
import type { SequenceFamily } from './engine.js';
import { dense } from './layers.js';
import { engineHyperparameters } from './params.js';
import { recurrentParams, recurrentWeights, runRecurrent } from './recurrent.js';
import type { RecurrentCell } from './recurrent.js';

/**
 * A stack of LSTM or GRU layers with dropout between layers and a dense head on every step's
 * hidden state (the window's class is the last step's). neuralforecast's LSTM/GRU default to 2
 * layers of 128 (encoder_hidden_size); 64 here keeps an epoch of real data within a 2-core CPU's minutes.
 */
export function stackedRecurrent(cell: RecurrentCell, description: string): SequenceFamily {
  const card: ModelCard = {
    name: cell,
    family: 'neural',
    inputKind: 'sequence',
    description,
    handlesMissing: false,
    hyperparameters: {
      hiddenSize: { kind: 'int', default: 64, range: [2, 1024], description: 'Units of each recurrent layer (neuralforecast: 128)' },
      layers: { kind: 'int', default: 2, range: [1, 8], description: 'Stacked recurrent layers (neuralforecast encoder_n_layers: 2)' },
      bidirectional: {
        kind: 'bool',
        default: false,
        description: 'Also run each layer backwards over the window (not causal: the step outputs see later steps)',
      },
      ...engineHyperparameters({ dropout: 0 }),
    },
  };
  return {
    card,
    causal: (hp) => hp['bidirectional'] !== true,
    params(p, hp, _steps, features) {
      const units = hp['hiddenSize'] as number;
      const directions = hp['bidirectional'] === true ? 2 : 1;
      let inputs = features;
      for (let l = 0; l < (hp['layers'] as number); l++) {
        recurrentParams(p, `${cell}${l}`, cell, inputs, units);
        if (directions === 2) recurrentParams(p, `${cell}${l}_reverse`, cell, inputs, units);
        inputs = units * directions;
      }
      p.dense('head', inputs, 3);
    },
    forward(tf, w, x, hp, ctx) {
      let h: Tensor3D = x;
      const layers = hp['layers'] as number;
      for (let l = 0; l < layers; l++) {
        const reverse = hp['bidirectional'] === true ? recurrentWeights(w, `${cell}${l}_reverse`) : undefined;
        h = runRecurrent(tf, cell, h, recurrentWeights(w, `${cell}${l}`), reverse, l === 0);
        if (l < layers - 1) h = ctx.dropout(h);
      }
      return dense(tf, w, 'head', h) as Tensor3D;
    },
  };
}
