import * as path from 'node:path';
import { build } from 'esbuild';

/**
 * The console's page, bundled at start-up (esbuild, in memory): console/page/main.tsx and what it imports (React,
 * Chart.js, dagre) as one script. No build step to forget and nothing generated in the repository; it takes well
 * under a second.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(__dirname, 'page', 'main.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The one HTML page: the script does the rest (hash routes: #/orders/ID, #/tasks, #/incidents, #/dashboards). */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ordo console</title>
<link rel="stylesheet" href="/console.css">
</head>
<body>
<div id="root"></div>
<script src="/app.js"></script>
</body>
</html>
`;
