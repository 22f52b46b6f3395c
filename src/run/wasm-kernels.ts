/**
 * Training kernels missing from @tensorflow/tfjs-backend-wasm 4.22.
 *
 * The WASM backend ships forward convolutions and `Conv2DBackpropInput` but no
 * `Conv2DBackpropFilter`, so `model.fit` on any convnet fails with "kernel not registered". The
 * filter gradient is a correlation of the (padded) input with the output gradient:
 *
 *   dW[a, b, i, o] = sum_{n, y, x} xpad[n, y*sH + a, x*sW + b, i] * dy[n, y, x, o]
 *
 * which is itself a forward convolution (batch and channel axes swapped, dy as the filter, the stride
 * as dilation), the one convolution the WASM backend runs fast (XNNPACK; its matmul is ~25x slower
 * per MAC on this machine, so an im2col + matmul form was dropped). A probe of conv + batch norm + ReLU + max/avg pooling + dense training on WASM
 * showed this is the only missing kernel; max-pool, avg-pool, ReLU and batch-norm gradients exist.
 *
 * With @tensorflow/tfjs-node present the native kernels are used and nothing here is registered
 * for that backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelFuncArgs = Parameters<tf.KernelFunc>[0];

let registered = false;

/** Pads (positive amounts) or crops (negative amounts) the spatial axes of an NHWC tensor. */
function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const padded = top > 0 || bottom > 0 || left > 0 || right > 0
    ? tf.pad(x, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]])
    : x;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return padded;
  const [n, h, w, c] = padded.shape;
  const t = Math.max(0, -top);
  const l = Math.max(0, -left);
  return tf.slice(padded, [0, t, l, 0], [n, h - t - Math.max(0, -bottom), w - l - Math.max(0, -right), c]);
}

/** Inserts (s - 1) zeros between neighbouring rows / columns: the "transposed stride". */
function dilateSpatial(x: tf.Tensor4D, sH: number, sW: number): tf.Tensor4D {
  if (sH === 1 && sW === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sH - 1], [0, 0], [0, sW - 1], [0, 0]]);
  return tf.slice(tf.reshape(spread, [n, h * sH, w * sW, c]) as tf.Tensor4D, [0, 0, 0, 0], [n, (h - 1) * sH + 1, (w - 1) * sW + 1, c]);
}

function convInfoNhwc(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: tf.Conv2DBackpropFilterAttrs['pad'],
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
) {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
}

/**
 * Filter gradient on plain tensors (any backend); exported so tests can compare it with cpu.
 * dW[a, b, i, o] = sum_{n,y,x} xpad[n, y*s + a, x*s + b, i] dy[n, y, x, o] is a forward convolution
 * with the roles swapped: batch <- input channels, channels <- batch, filter <- dy, dilation <- stride.
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvGradientAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const xs = toNhwc(x, attrs.dataFormat);
    const { dys, info } = gradientSetup(xs.shape, filterShape, dy, attrs);
    const { outHeight, outWidth, strideHeight, strideWidth } = info;
    const [kh, kw] = filterShape;
    const { top, left } = info.padInfo;
    // Exactly the rows/columns the taps reach: 'valid' convs may leave trailing input unused.
    const needH = (outHeight - 1) * strideHeight + kh;
    const needW = (outWidth - 1) * strideWidth + kw;
    const xpad = padOrCrop(xs, top, needH - top - xs.shape[1], left, needW - left - xs.shape[2]);
    const swapped = tf.transpose(xpad, [3, 1, 2, 0]) as tf.Tensor4D; // [Ci, needH, needW, N]
    const filter = tf.transpose(dys, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Co]
    const out = tf.conv2d(swapped, filter, 1, 'valid', 'NHWC', [strideHeight, strideWidth]); // [Ci, kh, kw, Co]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/**
 * Input gradient as a forward convolution: dy with (s - 1) zeros between entries, padded by
 * (k - 1 - pad), convolved with the spatially flipped filter whose in/out channels are swapped.
 */
export function conv2dInputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  attrs: ConvGradientAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const inNhwc: [number, number, number, number] = attrs.dataFormat === 'NCHW'
      ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]]
      : inputShape;
    const { dys, info } = gradientSetup(inNhwc, filter.shape, dy, attrs);
    const { strideHeight, strideWidth } = info;
    const [kh, kw] = filter.shape;
    const [, h, w] = inNhwc;
    const dil = dilateSpatial(dys, strideHeight, strideWidth);
    const padTop = kh - 1 - info.padInfo.top;
    const padLeft = kw - 1 - info.padInfo.left;
    const padded = padOrCrop(dil, padTop, h + kh - 1 - dil.shape[1] - padTop, padLeft, w + kw - 1 - dil.shape[2] - padLeft);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    const dx = tf.conv2d(padded, flipped, 1, 'valid');
    return attrs.dataFormat === 'NCHW' ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

/** Stride, padding and layout of a convolution whose gradient is taken (tfjs's kernel attributes). */
export interface ConvGradientAttrs {
  strides: [number, number] | number;
  pad: tf.Conv2DBackpropFilterAttrs['pad'];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function toNhwc(t: tf.Tensor4D, dataFormat: ConvGradientAttrs['dataFormat']): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, [0, 2, 3, 1]) : t;
}

/** Both gradients' common start: dy in NHWC, the forward convolution's geometry, and dy checked against it. */
function gradientSetup(inNhwc: readonly number[], filterShape: readonly number[], dy: tf.Tensor4D, attrs: ConvGradientAttrs) {
  const dys = toNhwc(dy, attrs.dataFormat);
  const info = convInfoNhwc(inNhwc as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, attrs.pad, attrs.dimRoundingMode);
  checkDy(dys, info.batchSize, info.outHeight, info.outWidth, info.outChannels);
  return { dys, info };
}

function checkDy(dy: tf.Tensor4D, n: number, h: number, w: number, c: number): void {
  if (dy.shape[0] !== n || dy.shape[1] !== h || dy.shape[2] !== w || dy.shape[3] !== c) {
    throw new Error(`conv2d gradient: dy shape [${dy.shape.join(', ')}] does not match the conv output [${n}, ${h}, ${w}, ${c}]`);
  }
}

function conv2dBackpropFilterWasm({ inputs, backend, attrs }: KernelFuncArgs): tf.TensorInfo {
  const { x, dy } = inputs as tf.Conv2DBackpropFilterInputs;
  if (!x || !dy) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  return withBorrowed(backend as BackendWasm, [x, dy], ([xt, dyt]) =>
    conv2dFilterGradient(xt, dyt, a.filterShape, a));
}

/**
 * Runs tensor ops on a kernel's inputs and hands the result back as a backend buffer the engine owns,
 * exactly like a native kernel's output.
 */
function withBorrowed(wasm: BackendWasm, infos: tf.TensorInfo[], compute: (ts: tf.Tensor4D[]) => tf.Tensor): tf.TensorInfo {
  const values = tf.tidy(() => compute(infos.map((i) => borrow(wasm, i) as tf.Tensor4D)));
  return copyOut(wasm, values);
}

/**
 * Wraps a kernel input as a Tensor for use with ops. The backend reference count is raised first:
 * disposing the wrapper (at the end of the tidy) must not free the caller's buffer.
 */
function borrow(wasm: BackendWasm, info: tf.TensorInfo): tf.Tensor {
  wasm.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, wasm);
}

/** Copies a result into a fresh backend buffer so the engine owns it exactly as a native kernel's output. */
function copyOut(wasm: BackendWasm, values: tf.Tensor): tf.TensorInfo {
  const out = wasm.makeOutput(values.shape, 'float32', undefined, values.dataSync());
  values.dispose();
  return out;
}

function conv2dBackpropInputWasm({ inputs, backend, attrs }: KernelFuncArgs): tf.TensorInfo {
  const { dy, filter } = inputs as tf.Conv2DBackpropInputInputs;
  if (!dy || !filter) throw new Error('Conv2DBackpropInput needs inputs dy and filter');
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  return withBorrowed(backend as BackendWasm, [dy, filter], ([dyt, ft]) =>
    conv2dInputGradient(dyt, ft, a.inputShape, a));
}

/**
 * Registers the missing training kernels for the 'wasm' backend. Idempotent; safe to call before
 * or after `tf.setBackend('wasm')`. The backend's own `Conv2DBackpropInput` is a direct loop that is
 * about 9x slower than the forward-convolution form on this machine (3x3, 32->64 channels, 14x14,
 * batch 64: 108 ms vs 12 ms), so it is replaced too unless `keepNativeInputGradient` is set.
 */
export function registerWasmTrainingKernels(options: { keepNativeInputGradient?: boolean } = {}): void {
  if (registered) return;
  registerBatchNormGradient();
  if (!options.keepNativeInputGradient) {
    if (tf.getKernel(tf.Conv2DBackpropInput, 'wasm') !== undefined) tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
    tf.registerKernel({ kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: conv2dBackpropInputWasm });
  }
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: tf.Conv2DBackpropFilter,
      backendName: 'wasm',
      kernelFunc: conv2dBackpropFilterWasm,
    });
  }
  registered = true;
}

let bnGradRegistered = false;

/**
 * Batch-norm gradient without `tile`. tfjs-core's FusedBatchNorm gradient tiles 1/sqrt(var + eps) to
 * the full activation shape before multiplying; on WASM that Tile was a third of a smallnet training
 * step. Broadcasting along the channel axis gives the same numbers (same operations per element).
 * Registered globally (gradients are backend-independent); idempotent.
 */
export function registerBatchNormGradient(): void {
  if (bnGradRegistered) return;
  bnGradRegistered = true;
  tf.registerGradient({
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = Array.isArray(dy) ? dy[0] : dy;
      const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
      const [x, mean, variance, scale] = saved;
      const scaleValue: tf.Tensor = scale == null ? tf.scalar(1) : scale;
      const axes = tf.broadcast_util.getReductionAxes(mean.shape, x.shape);
      const perChannel = mean.rank === 1;
      const xMinusMean = tf.sub(x, mean);
      const dyTimesScale = tf.mul(g, scaleValue);
      const rstd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      const minusHalfRCube = tf.mul(tf.mul(tf.mul(rstd, rstd), rstd), tf.scalar(-0.5));
      const reduce = (t: tf.Tensor): tf.Tensor => tf.reshape(perChannel ? tf.sum(t, axes) : t, mean.shape);
      return {
        x: () => tf.reshape(tf.mul(tf.mul(g, rstd), scaleValue), x.shape),
        mean: () => reduce(tf.mul(tf.mul(rstd, tf.scalar(-1)), dyTimesScale)),
        variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
        scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, rstd))),
        offset: () => reduce(g),
      };
    },
  });
}
