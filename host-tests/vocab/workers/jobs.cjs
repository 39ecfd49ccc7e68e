// A Context worker on the CommonJS build (dist/shared.cjs).
const { serve } = require('../../../dist/shared.cjs');
serve(require('./jobs-table.cjs'));
