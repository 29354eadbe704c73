// The panel's static skeleton. Only fixed markup here (no run data, no inline styles or
// scripts, which the Content Security Policy forbids); the views fill in text afterwards.

export function renderLayout(app: HTMLElement): void {
  app.innerHTML = `
<section id="tune-view" class="tune-view" hidden aria-labelledby="tune-title">
  <div class="title-row">
    <h1 id="tune-title">Tune</h1>
    <span id="tune-status" class="badge status-waiting" role="status" aria-live="polite">waiting</span>
    <span class="spacer"></span>
    <vscode-button id="tune-stop" secondary aria-label="Stop the search after the running trials">Stop</vscode-button>
    <vscode-button id="tune-apply-best" aria-label="Write the best trial's values into the file in place of the search spaces">Apply best</vscode-button>
  </div>
  <p id="tune-sampler" class="hint"></p>
  <p id="tune-best" class="lr-suggestion" role="status" aria-live="polite"></p>
  <h2 id="tune-table-title">Trials</h2>
  <div class="tune-table-wrap"><table id="tune-table" class="tune-table" aria-labelledby="tune-table-title"></table></div>
  <h2>Hyperparameters against the objective</h2>
  <p id="tune-filter" class="hint"></p>
  <div id="tune-parallel" class="tune-parallel"></div>
  <div class="tune-charts">
    <section class="chart"><h3>Objective over trials</h3><div id="tune-objective-plot" class="plot"></div></section>
    <section class="chart"><h3>Objective per epoch, every trial</h3><div id="tune-curves-plot" class="plot"></div></section>
  </div>
</section>
<header class="run-header">
  <div class="title-row">
    <h1 id="model-name">Training</h1>
    <span id="status" class="badge status-waiting" role="status" aria-live="polite">waiting</span>
    <span id="status-reason" class="status-reason"></span>
    <span class="spacer"></span>
    <vscode-button id="stop" aria-label="Stop training" disabled>Stop</vscode-button>
  </div>
  <dl class="facts">
    <div><dt>Engine</dt><dd id="engine">–</dd></div>
    <div><dt>Epoch</dt><dd id="epoch">–</dd></div>
    <div><dt id="eta-label">ETA</dt><dd id="eta">–</dd></div>
    <div><dt>Samples/s</dt><dd id="speed">–</dd></div>
    <div><dt>Parameters</dt><dd id="params">–</dd></div>
  </dl>
  <div id="progress" class="progress" role="progressbar" aria-label="Training progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="progress-fill"></div></div>
</header>
<section id="charts-toolbar" class="toolbar" aria-label="Chart controls">
  <label class="slider" for="smoothing">Smoothing
    <input id="smoothing" type="range" min="0" max="0.99" step="0.01" value="0.6" aria-describedby="smoothing-value">
    <output id="smoothing-value" for="smoothing">0.60</output>
  </label>
  <vscode-checkbox id="log-loss" label="Log scale (loss)"></vscode-checkbox>
  <span class="spacer"></span>
  <vscode-button id="compare" secondary aria-label="Compare with earlier runs">Compare runs…</vscode-button>
  <vscode-button id="export-csv" secondary aria-label="Export all values as CSV">Export CSV</vscode-button>
  <vscode-button id="export-png" secondary aria-label="Export the charts as a PNG image">Export PNG</vscode-button>
</section>
<section id="run-picker" class="run-picker" hidden aria-labelledby="run-picker-title">
  <h2 id="run-picker-title">Runs of this model</h2>
  <div id="run-list" class="run-list"></div>
  <div class="row">
    <vscode-button id="apply-overlay">Show selected</vscode-button>
    <vscode-button id="close-picker" secondary>Cancel</vscode-button>
  </div>
</section>
<section id="lr-finder" class="lr-finder" hidden aria-labelledby="lr-finder-title">
  <h2 id="lr-finder-title">Learning-rate finder</h2>
  <p class="hint">Loss while the learning rate grows exponentially from the model's initial weights; the test stops when the smoothed loss diverges.</p>
  <div id="lr-plot" class="plot" role="img" aria-label="Loss against learning rate, log scale"></div>
  <p id="lr-suggestion" class="lr-suggestion" role="status" aria-live="polite"></p>
  <div class="row">
    <vscode-button id="lr-apply" hidden>Use it in the optimizer</vscode-button>
  </div>
</section>
<main>
  <h2 class="visually-hidden">Training curves</h2>
  <p id="empty" class="empty">Waiting for the first batch…</p>
  <div id="overlay-legend" class="overlay-legend" hidden role="group" aria-label="Compared runs"></div>
  <div id="charts" class="charts"></div>
</main>
<section id="evaluation" class="evaluation" hidden aria-labelledby="evaluation-title">
  <h2 id="evaluation-title">Test set</h2>
  <dl id="test-metrics" class="facts"></dl>
  <div class="evaluation-grid">
    <div id="confusion-section" hidden>
      <h3 id="confusion-title">Confusion matrix</h3>
      <div id="confusion" class="confusion"></div>
    </div>
    <div id="samples-section" hidden>
      <h3 id="samples-title">Sample predictions <span class="hint">(mistakes first)</span></h3>
      <div id="samples" class="samples" role="list" aria-labelledby="samples-title"></div>
    </div>
    <div id="labels-section" hidden>
      <h3 id="labels-title">Per label</h3>
      <div id="labels" class="labels"></div>
    </div>
    <div id="regression-section" hidden>
      <h3 id="regression-title">Predicted vs true</h3>
      <div id="regression"></div>
    </div>
    <div id="images-section" hidden>
      <h3 id="images-title">Test images <span class="hint">(input · target · output)</span></h3>
      <p id="images-summary" class="images-summary"></p>
      <div id="image-triples" class="image-triples" role="list" aria-labelledby="images-title"></div>
    </div>
  </div>
</section>
<section id="events-section" class="events" hidden aria-labelledby="events-title">
  <h2 id="events-title">Events</h2>
  <ul id="events" class="event-list"></ul>
</section>`;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`panel: #${id} missing`);
  return el as T;
}
