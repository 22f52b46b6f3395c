// Suite 'model-data-train' (one process; see test/suites/README.md): model import and zoo shapes,
// dataset and event readers, training (CPU backend).
import '../model/scalesim.test.ts';
import '../model/smallnet-gap.test.ts';
import '../model/tfjs-import.test.ts';
import '../data/events.test.ts';
import '../data/readers.test.ts';
import '../data/torch-import.test.ts';
import '../train/albsnn.test.ts';
import '../train/lif-events.test.ts';
import '../train/lif-profile.test.ts';
import '../train/online.test.ts';
import '../train/train-events-lif.test.ts';
import '../train/trainer.test.ts';
