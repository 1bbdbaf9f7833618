// Builds the web page every vat serves (demo-community/web/ui) into dist/ui:
// one small bundle per page and the style sheet. Runs at install time
// (`prepare` → `build`); the type check is `tsc -p tsconfig.ui.json`.
import { build } from 'esbuild';

await build({
  entryPoints: [
    'demo-community/web/ui/participant.ts',
    'demo-community/web/ui/dashboard.ts',
    'demo-community/web/ui/puzzle.ts',
    'demo-community/web/ui/style.css',
  ],
  outdir: 'dist/ui',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
});
