/**
 * The spike trace: what the network run hands to hardware replay. One record per spiking layer
 * (STCB synapse) per image. It is plain data (typed arrays + numbers) so it can be stored, hashed
 * and replayed by any number of hardware models without running the network again.
 */
import type { ScheduleKind } from '../stcb/schedule.ts';

/** Shape of one weight layer (convolution or dense), as the hardware sees it. */
export interface LayerGeometry {
  /** Layer name, unique in the network (e.g. "layer1.0.conv1"). */
  layer: string;
  /** 'conv' (2-D convolution) or 'dense' (fully connected; H = W = 1, k = 1). */
  op: 'conv' | 'dense';
  /** Input feature map H x W x Cin (the spikes' positions). */
  inH: number;
  inW: number;
  inC: number;
  /** Output feature map Ho x Wo x Cout. */
  outH: number;
  outW: number;
  outC: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  /** Zero padding at top and left (bottom/right follow from the output size). */
  padTop: number;
  padLeft: number;
  /** Whether a batch norm follows the layer (for STCBs it can be folded into the CAB multiplier). */
  batchNormAfter: boolean;
  hasBias: boolean;
  /**
   * Stored bits per weight when the layer is binary (1: +-alpha per output channel, ALBSNN);
   * absent: the accelerator's weight width. The replay reads and loads weights at this width.
   */
  weightBits?: number;
}

/** A spiking layer: STEB -> synapse (additions only) -> CAB. */
export interface SpikeLayerGeometry extends LayerGeometry {
  /**
   * Name of the STEB (encoder) this layer reads. Two layers that read the same encoder share
   * its spikes (ResNet: conv1 and the 1x1 shortcut of a block); encoder work is counted once.
   */
  encoder: string;
}

export interface SpikeTraceLayer extends SpikeLayerGeometry {
  /**
   * Spike code per input neuron and image, NHWC order, length images * inH * inW * inC;
   * bit (t - 1) is s(t). Uint32Array so T up to 31 fits.
   */
  codes: Uint32Array;
  /**
   * Event-camera input layer only: events per input neuron, image and step, length
   * images * inH * inW * inC * T (step fastest). Several events of one neuron in one step are
   * separate synaptic events (each costs its fan-out of ACs), which a binary code cannot hold; when
   * present, spike counts are read from here and `codes` marks only which steps had any event.
   * The layer has no encoder: the sensor delivers the events (src/stcb/synaptic.ts).
   */
  eventCounts?: Uint16Array;
  /**
   * Event-camera input layer only: the synaptic kernel h over adjacent steps (I'(t) = sum_k h_k I(t - k)).
   * The STCB chip folds it into the CAB coefficients for free; the LIF twin replaying this trace pays it
   * (absent: none).
   */
  synapticKernel?: number[];
  /**
   * Multi-threshold LIF traces only: the spike levels as bit planes, plane b (same layout as `codes`)
   * holding bit b of each (neuron, step) level. `codes` is then the event mask (level > 0).
   */
  levelPlanes?: Uint32Array[];
}

/** The LIF neurons of one weight layer's outputs in a LIF-family trace. */
export interface TraceNeuronGroup {
  /** Neurons (the layer's outputs); the classifier's outputs integrate and never fire. */
  neurons: number;
  /** Spike events (level > 0) emitted per image, all steps. */
  spikes: number[];
  /** Whether these neurons fire (false: output accumulators of the classifier). */
  fires: boolean;
}

/** What a trace from a LIF-family network adds: its neuron model and the neurons' own output spikes. */
export interface TraceNeuron {
  kind: 'lif' | 'mlif';
  levels: number;
  /** Bits a spike carries (1 for LIF; ceil(log2(K + 1)) for mlif). */
  payloadBits: number;
  reset: 'soft' | 'hard';
  /** Neuron groups keyed by the weight layer whose outputs they are. */
  groups: Record<string, TraceNeuronGroup>;
  /**
   * Learned threshold and leak per LIF layer (for the report's settings block); tau = -1 / ln(leak),
   * the membrane time constant in steps that the learned leak stands for (leak = exp(-1 / tau)).
   */
  params: { layer: string; threshold: number; leak: number; tau?: number }[];
  /**
   * Event-camera input: the synaptic kernel h over adjacent steps that smooths the first layer's
   * currents, I'(t) = sum_k h_k I(t - k), before its neurons integrate them (absent: none).
   */
  synapticKernel?: number[];
}

export interface SpikeTrace {
  network: string;
  images: number;
  timesteps: number;
  schedule: ScheduleKind;
  /** V(t), t = 1..T. */
  thresholds: number[];
  /** Spiking layers in execution order. */
  layers: SpikeTraceLayer[];
  /**
   * Non-spiking weight layers (the first convolution on the raw input, a real-valued classifier):
   * dense MAC work whose cost does not depend on spikes.
   */
  macLayers: LayerGeometry[];
  /** Execution order of all weight layers by name (spiking and MAC). */
  order: string[];
  /** Set when the spikes come from a LIF-family network (issue 15) rather than STEB encoders. */
  neuron?: TraceNeuron;
}
