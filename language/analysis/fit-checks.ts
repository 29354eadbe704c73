// Checks across the fit block's settings: what each value alone cannot say.

import { diagnostic, type Diagnostic } from './diagnostics';
import type { SettingsAnalysis } from './settings';

export function checkFitSettings(fit: SettingsAnalysis | undefined, out: Diagnostic[]): void {
  if (!fit) return;
  const devices = fit.values.devices;
  const backend = fit.values.backend;
  const devicesSetting = fit.written.devices;
  // Data-parallel training runs on the torch engine (DistributedDataParallel); the tfjs engine
  // trains one model in one process.
  if (typeof devices === 'number' && devices > 1 && backend === 'tfjs' && devicesSetting) {
    const backendSetting = fit.written.backend;
    out.push(
      diagnostic(
        'devices-need-torch',
        devicesSetting.value.range,
        `Use backend: 'torch' for devices: ${devices}: data-parallel training runs on the torch engine (PyTorch DistributedDataParallel); the tfjs engine trains on one device`,
        {
          related: backendSetting
            ? [{ range: backendSetting.value.range, message: "backend 'tfjs' is chosen here" }]
            : [],
          fixes: backendSetting
            ? [
                {
                  kind: 'replace',
                  range: backendSetting.value.range,
                  text: "'torch'",
                  title: "Change the backend to 'torch'",
                },
              ]
            : [],
        },
      ),
    );
  }
}
