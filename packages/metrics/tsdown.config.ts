import { defineConfig } from 'tsdown';

export default defineConfig({
  // Two entry points: prom-client's (`.`) and OpenTelemetry's (`./opentelemetry`); neither loads the other's peer.
  entry: ['src/index.ts', 'src/opentelemetry.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
