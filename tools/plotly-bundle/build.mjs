// Builds src/Threshold.Web/wwwroot/lib/plotly-threshold.min.js: plotly.js's core (axes, legend, hover, shapes,
// annotations, mode bar, image export) with only the two trace types the dashboard draws, scatter and bar
// (Dashboard/Charts.cs builds nothing else). About a fifth smaller than the basic bundle Plotly.Blazor ships, and
// built so that Chromium compiles it while it downloads, off the main thread: a plain top-level script (format
// iife) opening with V8's compile hint `//# allFunctionsCalledOnLoad` (every function in it runs at load, so it is
// compiled eagerly, in the background). The basic bundle wraps everything in a factory function that is compiled
// lazily, on the main thread, when it is called: its evaluation was one task of 0.5 to 0.9 s on the development
// machine under load, this bundle's 0.05 to 0.1 s.
//
//   cd tools/plotly-bundle && npm ci && npm run build
//
// plotly.js and esbuild are pinned in package-lock.json; plotly.js is the version Plotly.Blazor's classes are
// generated from (Plotly.Blazor 7.2.0: plotly.js 3.7.0). The output is committed, so building the app needs no npm.
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, '..', '..', 'src', 'Threshold.Web', 'wwwroot', 'lib', 'plotly-threshold.min.js');
const version = JSON.parse(readFileSync(join(here, 'node_modules', 'plotly.js', 'package.json'), 'utf8')).version;

await build({
    stdin: {
        contents: [
            "var Plotly = require('plotly.js/lib/core');",
            "Plotly.register([require('plotly.js/lib/scatter'), require('plotly.js/lib/bar')]);",
            'module.exports = Plotly;',
        ].join('\n'),
        resolveDir: here,
        sourcefile: 'plotly-threshold.js',
        loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    // As plotly.js's own build: a browser global for Node's, and no AMD loader even if a page defines one.
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    // The one stylesheet plotly.js requires is maplibre's, for map traces, which this bundle leaves out.
    loader: { '.css': 'empty' },
    target: 'es2018',
    legalComments: 'eof',
    banner: { js: `//# allFunctionsCalledOnLoad\n/* plotly.js ${version} (MIT, Plotly, Inc.): core with scatter and bar only, built by tools/plotly-bundle/build.mjs */` },
    outfile,
    logLevel: 'warning',
});

console.log(`${outfile}: ${statSync(outfile).size} bytes (plotly.js ${version})`);
