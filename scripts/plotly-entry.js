// Entry module for scripts/build-plotly.sh: plotly.js core plus only the trace types Coherence draws
// (see reports/charts.py). Not used at run time; the built bundle is committed.
'use strict';

var Plotly = require('plotly.js/lib/core'); // core already registers scatter

Plotly.register([
    require('plotly.js/lib/scatter'), // explicit, as plotly.js's CUSTOM_BUNDLE.md recommends (no-op today)
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scatterpolar')
]);

module.exports = Plotly;
