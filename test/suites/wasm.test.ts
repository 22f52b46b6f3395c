// Suite 'wasm' (one process; see test/suites/README.md): tests that run on the WASM backend. The
// tfjs backend is global to a process, so they share one, apart from the CPU-backend suites.
import '../model/zoo.test.ts';
import '../model/onnx-import.test.ts';
import '../dse/quantize.test.ts';
import '../train/layers.test.ts';
import '../app/quantized-accuracy.test.ts';
import '../train/wasm-kernels.test.ts';
